"""Laying a document's stored content out as an A4 PDF, with the Chinese font embedded.

The output depends only on the content, the verification address and the font: reportlab runs in its
invariant mode (no creation time, fixed file id), so the same document renders to the same bytes.
"""
from __future__ import annotations

import io
import threading
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import _
from . import qr
from .fonts import pdf_font

_lock = threading.Lock()  # reportlab keeps per-font subsetting state: one build at a time
GREY = colors.HexColor("#5c6670")


def render(content: dict, verify_url: str, verify_code: str) -> bytes:
    """The PDF of one document."""
    font = pdf_font()
    styles = _styles(font)
    story = _story(content, verify_url, verify_code, styles)
    certificate = content.get("kind") == "certificate"
    buffer = io.BytesIO()
    with _lock:
        template = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=22 * mm, bottomMargin=20 * mm,
            title=f"{content['title']} {content['number']}", author=content.get("issuer", ""),
            subject=content.get("item_name", ""), creator="一窗通 OneWindow", invariant=1)
        decorate = _page_decoration(font, content["number"], certificate)
        template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=2),
        "number": ParagraphStyle("number", base, alignment=TA_CENTER, spaceAfter=10),
        "addressee": base,
        "body": ParagraphStyle("body", base, firstLineIndent=24),
        "label": ParagraphStyle("label", base, fontSize=10, leading=14, textColor=GREY),
        "value": ParagraphStyle("value", base, fontSize=10.5, leading=14),
        "heading": ParagraphStyle("heading", base, fontSize=12.5, spaceBefore=6),
        "item": ParagraphStyle("item", base, fontSize=11, leading=17, leftIndent=24, firstLineIndent=-12),
        "small": ParagraphStyle("small", base, fontSize=10.5, leading=16),
        "sign": ParagraphStyle("sign", base, alignment=TA_RIGHT),
        "verify": ParagraphStyle("verify", base, fontSize=9, leading=13, textColor=GREY),
    }


def _story(content: dict, verify_url: str, verify_code: str, s: dict) -> list:
    story = [Paragraph(escape(content["title"]), s["title"]), Paragraph(escape(content["number"]), s["number"])]
    if content.get("addressee"):
        story.append(Paragraph(escape(content["addressee"]) + "：", s["addressee"]))
    story += [Paragraph(escape(text), s["body"]) for text in content.get("body", [])]
    if content.get("facts"):
        label_width = 46 * mm if content.get("kind") == "certificate" else 30 * mm
        story += [Spacer(1, 6), _facts_table(content["facts"], s, label_width)]
    for entry in content.get("lists", []):
        story.append(Paragraph(escape(entry["heading"]), s["heading"]))
        story += [Paragraph(f"{n}．{escape(text)}", s["item"]) for n, text in enumerate(entry["items"], 1)]
    if content.get("legal_basis"):
        story.append(Paragraph(escape(_("法律依据")), s["heading"]))
        story += [Paragraph(escape(text), s["item"]) for text in content["legal_basis"]]
    story += [Spacer(1, 4)] + [Paragraph(escape(text), s["small"]) for text in content.get("notes", [])]
    signature = [Spacer(1, 12), Paragraph(escape(content.get("issuer", "")), s["sign"]),
                 Paragraph(escape(content.get("issued_on_text", "")), s["sign"]), Spacer(1, 8),
                 _verification(verify_url, verify_code, s)]
    story.append(KeepTogether(signature))
    return story


def _facts_table(facts: list, s: dict, label_width: float) -> Table:
    rows = [[Paragraph(escape(label), s["label"]), Paragraph(escape(str(value)), s["value"])]
            for label, value in facts]
    table = Table(rows, colWidths=[label_width, None], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9ced6")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f5f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _verification(verify_url: str, verify_code: str, s: dict) -> Table:
    text = Paragraph("<br/>".join(escape(line) for line in (
        _("扫描二维码或访问以下地址核验本文书真伪："), verify_url, _("核验码：%(code)s", code=verify_code))), s["verify"])
    table = Table([[qr.drawing(verify_url, 26 * mm), text]], colWidths=[30 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def _page_decoration(font: str, number: str, certificate: bool):
    def decorate(canvas, doc):
        canvas.saveState()
        width, height = A4
        if certificate:  # a licence gets the double frame people expect on a certificate
            canvas.setStrokeColor(colors.HexColor("#b2271f"))
            canvas.setLineWidth(2)
            canvas.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
            canvas.setLineWidth(0.6)
            canvas.rect(16.5 * mm, 16.5 * mm, width - 33 * mm, height - 33 * mm)
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(width / 2, 10 * mm, f"{number}　" + _("第 %(page)s 页", page=doc.page))
        canvas.restoreState()
    return decorate
