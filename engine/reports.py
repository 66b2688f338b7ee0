"""Exports of the statistics tables: CSV and Excel (written by engine.spreadsheets, which neutralises
formulas) and the monthly performance report as PDF (the documents' layout and embedded font,
engine.notices.pdf). Every export writes the same cells the page shows (`cells`)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from . import spreadsheets
from .i18n import _
from .statistics import DIMENSIONS, METRICS, StatsRow, StatsTable

RATES = {"early_rate": _("提前办结率（%）"), "on_time_rate": _("按时办结率（%）"),
         "average_workdays": _("平均办理工作日"), "average_rating": _("平均满意度（1–5）")}


def header(table: StatsTable) -> list[str]:
    return [str(DIMENSIONS[table.filter.dimension])] + [str(v) for v in METRICS.values()] + [str(v) for v in
                                                                                              RATES.values()]


def cells(row: StatsRow) -> list:
    """One row as the page, CSV and Excel show it: numbers stay numbers, a rate of nothing is empty."""
    values = [row.label] + [row.counts.get(name, 0) for name in METRICS]
    return values + [getattr(row, name) for name in RATES]


def rows_of(table: StatsTable) -> list[list]:
    return [header(table)] + [cells(row) for row in table.rows] + [cells(table.total)]


def to_csv(table: StatsTable) -> bytes:
    return spreadsheets.csv_bytes(rows_of(table))


def to_xlsx(table: StatsTable, title: str) -> bytes:
    from openpyxl.styles import Font

    book = spreadsheets.workbook(rows_of(table), title)
    sheet = book.active
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    sheet.freeze_panes = "B2"
    return spreadsheets.xlsx_bytes(book)


def monthly_pdf(month: str, scope: str, tables: list[tuple[str, StatsTable]]) -> bytes:
    """The monthly performance report (月度效能报告): the totals, then one table per dimension."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .notices.pdf import _facts_table, _lock, _page_decoration, _styles
    from .notices.fonts import pdf_font

    font = pdf_font()
    s = _styles(font)
    title = _("%(month)s 效能监察月度报告", month=month)
    total = tables[0][1].total if tables else None
    story = [Paragraph(escape(title), s["title"]), Paragraph(escape(scope), s["number"])]
    if total is not None:
        facts = [(str(label), total.counts.get(name, 0)) for name, label in METRICS.items()]
        facts += [(str(label), _number(getattr(total, name))) for name, label in RATES.items()]
        story += [_facts_table(facts, s, 46 * mm), Spacer(1, 8)]
    cell = s["label"]
    for heading, table in tables:
        story.append(Paragraph(escape(heading), s["heading"]))
        columns = [0, 1, 2, 4, 6, 8, 11, 12, 13]  # a readable subset on one landscape line; exports hold all
        data = [[Paragraph(escape(str(row[i]) if row[i] is not None else "—"), cell) for i in columns]
                for row in rows_of(table)]
        grid = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[60 * mm] + [24 * mm] * (len(columns) - 1))
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c9ced6")),
                                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f8"))]))
        story += [grid, Spacer(1, 8)]
    buffer = io.BytesIO()
    with _lock:
        template = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                     topMargin=15 * mm, bottomMargin=18 * mm, title=title,
                                     creator="一窗通 OneWindow", invariant=1)
        decorate = _page_decoration(font, title, False)
        template.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _number(value) -> str:
    return "—" if value is None else str(value)
