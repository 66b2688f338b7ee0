"""The applicant's receipt (申请回执) as a PDF: what was received, when, how, and what happens next.

Not a numbered document: it is made on request and never stored, because it may carry the query code,
which the platform keeps only as a hash (`case_numbers.hash_query_code`). The web layer passes the code
only while it still holds it from the submission (the one-time receipt page); a receipt printed later
says where to look the case up instead.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from .. import clock
from ..i18n import _
from ..models import Case
from .fonts import pdf_font
from .pdf import _facts_table, _lock, _page_decoration, _styles

CHANNELS = {"online": _("网上申请"), "window": _("窗口收件"), "agent": _("代办员代办"), "api": _("系统接口")}
PRE_REVIEW_DAYS = 5  # 行政许可法 第三十二条: a supplement notice within five working days, or deemed accepted


def limit_text(guide: dict) -> str:
    """The promised limit as the guide states it, in words."""
    if guide.get("case_kind") == "immediate":
        return _("即办件：材料齐全、符合法定形式的，当场办结")
    limit = guide.get("promised_limit") or guide.get("statutory_limit") or {}
    unit = _("个自然日") if limit.get("unit") == "natural_day" else _("个工作日")
    return _("承诺件：受理后 %(n)s %(unit)s内办结（自受理次日起算）", n=limit.get("value", "—"), unit=unit)


def next_steps(guide: dict) -> list[str]:
    """What happens after the receipt, for this kind of item."""
    steps = [_("窗口工作人员将在 %(n)s 个工作日内完成预审：材料齐全、符合法定形式的予以受理；需要补正的，"
               "将一次告知需要补正的全部内容，补正期间不计入办理时限。", n=PRE_REVIEW_DAYS)]
    if guide.get("case_kind") == "immediate":
        steps.append(_("本事项为即办件，受理后当场作出决定。"))
    else:
        steps.append(_("受理后将在承诺时限内办结，结果文书可在“我的办件”中下载。"))
    steps.append(_("凭办件编号和查询码可在网上办事大厅“办件查询”中查看进度；登录后也可在“我的办件”中查看。"))
    steps.append(_("受理前可以在“我的办件”中撤回申请。"))
    return steps


def content(case: Case, guide: dict, query_code: str | None) -> dict:
    """Everything the receipt prints, from the case row and its item version's guide."""
    facts = [(_("办件编号"), case.case_no), (_("事项名称"), guide.get("name") or case.item.name),
             (_("实施机关"), guide.get("implementing_body", "")), (_("申请人"), case.applicant_name),
             (_("收件时间"), case.received_at.astimezone(clock.TZ).strftime("%Y-%m-%d %H:%M")),
             (_("申请渠道"), CHANNELS.get(case.channel, case.channel)), (_("办理时限"), limit_text(guide))]
    if query_code:
        facts.insert(1, (_("查询码"), query_code))
    notes = [_("查询码用于查询办件进度，请妥善保管，不要告诉他人。") if query_code else
             _("查询码只在提交申请时显示一次，本回执不再打印。登录后可在“我的办件”中查看进度。")]
    return {"title": _("申请回执"), "number": case.case_no, "facts": facts, "next": next_steps(guide), "notes": notes,
            "issuer": guide.get("implementing_body", "")}


def render(receipt: dict) -> bytes:
    """The receipt's PDF (A4, the embedded Chinese font, reportlab's invariant mode)."""
    font = pdf_font()
    s = _styles(font)
    story = [Paragraph(escape(receipt["title"]), s["title"]),
             Paragraph(escape(_("办件编号：%(no)s", no=receipt["number"])), s["number"]),
             _facts_table(receipt["facts"], s, 30 * mm), Spacer(1, 8),
             Paragraph(escape(_("接下来")), s["heading"])]
    story += [Paragraph(f"{n}．{escape(text)}", s["item"]) for n, text in enumerate(receipt["next"], 1)]
    story += [Spacer(1, 6)] + [Paragraph(escape(text), s["small"]) for text in receipt["notes"]]
    buffer = io.BytesIO()
    with _lock:
        template = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm,
                                     bottomMargin=20 * mm, title=f"{receipt['title']} {receipt['number']}",
                                     author=receipt.get("issuer", ""), creator="一窗通 OneWindow", invariant=1)
        decorate = _page_decoration(font, receipt["number"], False)
        template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
