"""Identifier checks: resident ID (GB 11643) and unified social credit code (GB 32100)."""
from __future__ import annotations

import re
from datetime import date

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def resident_id_check(body17: str) -> str:
    """The 18th character of a resident ID: ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    return "10X98765432"[total % 11]


def is_resident_id(text: str) -> bool:
    text = (text or "").strip().upper()
    if not _ID_RE.match(text) or resident_id_check(text[:17]) != text[17]:
        return False
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return True


def credit_code_check(body17: str) -> str:
    """The 18th character of a unified social credit code: MOD 31 over the first 17."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_credit_code(text: str) -> bool:
    text = (text or "").strip().upper()
    return bool(_USCC_RE.match(text)) and credit_code_check(text[:17]) == text[17]


# Masking lives in engine.masking (one module for what public pages may show); kept importable here.
from .masking import mask_id, mask_name  # noqa: E402,F401
