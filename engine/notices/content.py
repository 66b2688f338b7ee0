"""What each document says, generated from the case: never typed twice, stored so it can be rebuilt.

A document's content is a plain JSON dict that the PDF and the printable page both lay out the same
way, top to bottom: `title`, `number`, `addressee`, `body` paragraphs, `facts` (label, value rows),
`lists` (a heading and its items), `legal_basis`, `notes`, then `issuer` and `issued_on_text`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .. import clock
from ..calendar import last_day
from ..i18n import _
from ..formdata import field_paths
from ..identifiers import mask_id
from ..models import Case, HumanTask
from . import kinds as k

FORMAT = 1
REMEDY = _("申请人如对本决定不服，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内"
           "依法向人民法院提起行政诉讼。")
PRIVATE_KEYS = frozenset({"contact", "id_number", "mobile", "phone", "email"})  # never printed on a certificate
MAX_CERTIFICATE_ROWS = 12


@dataclass
class Source:
    """Everything a document is generated from, gathered once per issuing."""

    case: Case
    guide: dict
    item_name: str
    issuer: str
    issued_at: datetime
    task: HumanTask | None  # the step whose decision the document records
    opinion: str | None
    detail: dict
    application_schema: dict = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # kind -> number issued in the same action

    @property
    def submission(self) -> dict:
        return (self.task.submission if self.task is not None else None) or {}


def build(kind: k.DocumentKind, number: str, src: Source) -> dict:
    """The full content of one document of `kind` with `number`."""
    parts = BUILDERS[kind.code](src)
    return {
        "format": FORMAT, "kind": kind.code, "title": k.title_of(kind, src.guide), "number": number,
        "case_no": src.case.case_no, "applicant": src.case.applicant_name, "item_name": src.item_name,
        "addressee": parts.get("addressee", src.case.applicant_name), "body": parts.get("body", []),
        "facts": parts.get("facts", []), "lists": [entry for entry in parts.get("lists", []) if entry["items"]],
        "legal_basis": parts.get("legal_basis", legal_basis(src.guide)), "notes": parts.get("notes", []),
        "issuer": src.issuer,
        "issued_on": _local(src.issued_at).isoformat(), "issued_on_text": cn_date(_local(src.issued_at)),
    }


def cn_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = _local(day)
    return f"{day.year}年{day.month}月{day.day}日"


def legal_basis(guide: dict) -> list[str]:
    return [f"{entry['law']}{entry.get('article', '')}" for entry in guide.get("legal_basis") or []]


def limit_text(limit: dict | None) -> str:
    if not limit:
        return ""
    value = int(limit.get("value", 0))
    if value == 0:
        return _("当场办结")
    return _("%(n)s日", n=value) if limit.get("unit") == "natural_day" else _("%(n)s个工作日", n=value)


def _local(moment: datetime) -> date:
    return moment.astimezone(clock.TZ).date()


def _applied(src: Source) -> str:
    return _("你（单位）于%(day)s提交的“%(item)s”申请", day=cn_date(src.case.received_at), item=src.item_name)


def _basic_facts(src: Source) -> list[list[str]]:
    return [[_("办件编号"), src.case.case_no], [_("申请人"), src.case.applicant_name], [_("申请事项"), src.item_name],
            [_("实施机关"), src.issuer], [_("申请日期"), cn_date(src.case.received_at)]]


def _opinion(src: Source) -> str:
    return (src.opinion or src.submission.get("opinion") or "").strip()


def _acceptance(src: Source) -> dict:
    case, guide = src.case, src.guide
    facts = _basic_facts(src) + [[_("受理日期"), cn_date(case.accepted_at or src.issued_at)],
                                 [_("法定办结时限"), limit_text(guide.get("statutory_limit"))],
                                 [_("承诺办结时限"), limit_text(guide.get("promised_limit"))]]
    body = [_("%(applied)s，经审查，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，"
              "本机关决定予以受理。", applied=_applied(src))]
    if guide.get("case_kind") == "immediate":
        body.append(_("本事项为即办件，本机关当场作出决定。"))
    elif case.promised_due_at is not None:
        due = cn_date(last_day(case.promised_due_at))
        facts.append([_("承诺办结日期"), due])
        body.append(_("本机关承诺于%(due)s前（含当日）作出决定。依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审"
                      "等特别程序的，所需时间不计入办理时限，本机关将书面告知。", due=due))
    notes = [_("请凭办件编号和查询码在一窗通网上办事大厅查询办理进度。")]
    lists = []
    if case.tolerated_due_at is not None:
        names = {m["id"]: m["name"] for m in guide.get("materials") or []}
        missing = [names.get(m, m) for m in src.submission.get("supplement_materials") or []]
        facts.append([_("容缺材料补齐期限"), cn_date(last_day(case.tolerated_due_at))])
        lists.append({"heading": _("容缺受理：承诺后补的材料"), "items": missing})
        notes.insert(0, _("本件为容缺受理：请按承诺在本机关作出决定前补齐欠缺的材料，逾期未补齐的将依法不予许可。"))
    return {"body": body, "facts": facts, "notes": notes, "lists": lists}


def _supplement(src: Source) -> dict:
    fields = src.detail.get("supplement_fields") or src.submission.get("supplement_fields") or []
    materials = src.detail.get("supplement_materials") or src.submission.get("supplement_materials") or []
    names = {m["id"]: m["name"] for m in src.guide.get("materials") or []}
    titles = dict(field_paths(src.application_schema))
    facts = _basic_facts(src) + [[_("告知日期"), cn_date(src.issued_at)]]
    due = src.case.supplement_due_at
    if due is not None:
        facts.append([_("补正期限"), cn_date(last_day(due))])
    opinion = _opinion(src)
    if opinion:
        facts.append([_("审查意见"), opinion])
    body = [_("%(applied)s，经审查，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》第三十二条的规定，"
              "现一次性告知你（单位）需要补正的全部内容如下。", applied=_applied(src))]
    if due is not None:
        body.append(_("请于%(due)s前（含当日）补正。补正期间不计入办理时限；补正后申请材料齐全、符合法定形式的，本机关予以受理。",
                      due=cn_date(last_day(due))))
    lists = [{"heading": _("需更正的申请表内容"), "items": [titles.get(f, f) for f in fields]},
             {"heading": _("需补正的材料"), "items": [names.get(m, m) for m in materials]}]
    return {"body": body, "facts": facts, "lists": lists}


def _refusal(src: Source) -> dict:
    body = [_("%(applied)s，经审查，本机关决定不予受理。理由如下：", applied=_applied(src)),
            _opinion(src) or _("申请事项依法不需要取得行政许可，或者不属于本机关职权范围。")]
    return {"body": body, "facts": _basic_facts(src) + [[_("决定日期"), cn_date(src.issued_at)]], "notes": [REMEDY]}


def _approval(src: Source) -> dict:
    laws = "、".join(dict.fromkeys(entry["law"] for entry in src.guide.get("legal_basis") or []))
    according = _("根据%(laws)s的规定，", laws=laws) if laws else ""
    body = [_("%(applied)s，本机关于%(day)s受理。经审查，该申请符合法定条件、标准，%(according)s本机关决定准予行政许可。",
              applied=_applied(src), day=cn_date(src.case.accepted_at or src.case.received_at), according=according)]
    result = src.guide.get("result") or {}
    certificate = src.numbers.get(k.CERTIFICATE.code)
    if certificate:
        body.append(_("本机关向你（单位）颁发《%(name)s》，证照编号：%(no)s。", name=result.get("name", ""), no=certificate))
    facts = _basic_facts(src) + [[_("受理日期"), cn_date(src.case.accepted_at)], [_("决定日期"), cn_date(src.issued_at)]]
    if _opinion(src):
        facts.append([_("审批意见"), _opinion(src)])
    notes = [_("办理结果领取方式：%(how)s", how=result["delivery"])] if result.get("delivery") else []
    return {"body": body, "facts": facts, "notes": notes,
            "lists": [{"heading": _("附加条件"), "items": list(src.submission.get("conditions") or [])}]}


def _denial(src: Source) -> dict:
    body = [_("%(applied)s，本机关于%(day)s受理。经审查，该申请不符合法定条件、标准，本机关决定不予行政许可。理由如下：",
              applied=_applied(src), day=cn_date(src.case.accepted_at or src.case.received_at)),
            _opinion(src) or _("申请不符合法定条件、标准。")]
    facts = _basic_facts(src) + [[_("受理日期"), cn_date(src.case.accepted_at)], [_("决定日期"), cn_date(src.issued_at)]]
    return {"body": body, "facts": facts, "notes": [REMEDY]}


def _certificate(src: Source) -> dict:
    case = src.case
    holder_id = case.applicant_id_number or ""
    if holder_id and case.applicant_type == "自然人":
        holder_id = mask_id(holder_id)  # a resident ID is personal data; a credit code is public
    facts = [[_("持证人"), case.applicant_name]] + ([[_("证件号码"), holder_id]] if holder_id else [])
    facts += [[_("许可事项"), src.item_name]]
    facts += application_rows(src.application_schema, case.application)
    decision = src.numbers.get(k.APPROVAL.code)
    facts += ([[_("许可决定文号"), decision]] if decision else []) + [[_("办件编号"), case.case_no],
                                                                  [_("发证机关"), src.issuer],
                                                                  [_("发证日期"), cn_date(src.issued_at)]]
    return {"addressee": "", "facts": facts, "legal_basis": [],
            "notes": [_("本证照依据办件数据生成，可扫描二维码或登录一窗通网上办事大厅核验真伪。")]}


def application_rows(schema: dict, data, prefix: str = "") -> list[list[str]]:
    """The application's printable values as (label, value) rows, labelled by the form's titles."""
    rows: list[list[str]] = []
    if not isinstance(data, dict):
        return rows
    for key, prop in (schema.get("properties") or {}).items():
        if key in PRIVATE_KEYS or key not in data or data[key] in (None, "", []):
            continue
        label = f"{prefix}·{prop.get('title', key)}" if prefix else prop.get("title", key)
        value = data[key]
        if isinstance(value, dict):
            rows += application_rows(prop, value, label)
        elif isinstance(value, list):
            rows.append([label, "；".join(_item_text(v) for v in value)])
        else:
            rows.append([label, _("是") if value is True else _("否") if value is False else str(value)])
    return rows[:MAX_CERTIFICATE_ROWS]


def _item_text(value) -> str:
    if isinstance(value, dict):
        return " ".join([v for key, v in value.items() if key not in PRIVATE_KEYS and isinstance(v, str)][:2])
    return str(value)


def _special(src: Source) -> dict:
    """Started by a clerk (kind, reason, limit in the detail) or by a special-procedure step of the diagram."""
    detail = src.detail
    kind = detail.get("kind_label") or _("特别程序")
    facts = _basic_facts(src) + [[_("特别程序"), kind]]
    if detail.get("limit_days"):
        facts.append([_("特别程序期限"), limit_text({"value": detail["limit_days"]})])
    if detail.get("due_at"):
        facts.append([_("预计结束日期"), cn_date(last_day(datetime.fromisoformat(detail["due_at"])))])
    body = [_("%(applied)s，本机关在审查过程中依法需要进行%(kind)s。根据《中华人民共和国行政许可法》第四十五条的规定，"
              "特别程序所需时间不计入办理时限，特此书面告知。", applied=_applied(src), kind=kind)]
    if _opinion(src):
        body.append(_("原因：%(reason)s", reason=_opinion(src)))
    return {"body": body, "facts": facts}


def _extension(src: Source) -> dict:
    detail, case = src.detail, src.case
    facts = _basic_facts(src) + [[_("受理日期"), cn_date(case.accepted_at)],
                                 [_("延长期限"), limit_text({"value": detail.get("days", 0)})]]
    if case.statutory_due_at is not None:
        facts.append([_("延长后的法定办结日期"), cn_date(last_day(case.statutory_due_at))])
    body = [_("%(applied)s，本机关于%(day)s受理。因%(reason)s，本机关不能在法定期限内作出决定，经本机关负责人批准，"
              "根据《中华人民共和国行政许可法》第四十二条的规定，办理期限延长%(days)s个工作日，特此告知。",
              applied=_applied(src), day=cn_date(case.accepted_at), reason=_opinion(src), days=detail.get("days", 0))]
    return {"body": body, "facts": facts}


BUILDERS = {
    k.ACCEPTANCE.code: _acceptance, k.SUPPLEMENT.code: _supplement, k.REFUSAL.code: _refusal,
    k.APPROVAL.code: _approval, k.DENIAL.code: _denial, k.CERTIFICATE.code: _certificate,
    k.SPECIAL.code: _special, k.EXTENSION.code: _extension,
}
