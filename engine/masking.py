"""What personal data public pages may show: the one module that masks names and identity numbers.

- `mask_name` (document verification): 张三 → 张*, 欧阳娜娜 → 欧**娜, for someone comparing a paper document.
- `public_applicant` (result publication, 办理结果公示): a person shows as the surname's first character and
  `**` whatever the length (张**), so neither the given name nor its length leaks; a company (法人) keeps its
  name, which is public registration data.
- `mask_id`: resident IDs keep the first 3 and last 2 characters; public lists never show IDs at all.
"""
from __future__ import annotations

COMPANY = "法人"


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(text: str | None) -> str:
    """Keep the first 3 and last 2 characters, for lists and public pages."""
    if not text:
        return ""
    return text[:3] + "*" * max(len(text) - 5, 0) + text[-2:] if len(text) > 5 else "*" * len(text)


def public_applicant(name: str | None, applicant_type: str | None) -> str:
    """The applicant as a public list shows them: companies by name, persons as 张**."""
    name = (name or "").strip()
    if not name:
        return ""
    if applicant_type == COMPANY:
        return name
    return name[0] + "**"
