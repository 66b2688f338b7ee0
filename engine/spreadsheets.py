"""Tables written for spreadsheet programs: CSV (UTF-8 with a BOM, so Excel reads the Chinese right) and
Excel workbooks (openpyxl). Every export that a person opens in Excel or WPS is written through here.

Cells are neutralised against formula injection (OWASP "CSV injection"): a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when the file is opened, so a clerk
or window named `=HYPERLINK(...)` becomes a live link. Such text gets a leading apostrophe, which spreadsheet
programs read as "this is text"; numbers stay numbers (a count of -1 is not text).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet may hold it: text that could start a formula is prefixed with `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """The rows as CSV, every cell neutralised (None is an empty cell), encoded UTF-8 with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def workbook(rows: Iterable[Iterable], title: str):
    """An openpyxl workbook with one sheet called `title` holding the rows, every cell neutralised; the caller
    styles it and saves it with `xlsx_bytes`."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    for row in rows:
        cells = [safe_cell(value) for value in row]
        # Control characters are not allowed in the file format: openpyxl would refuse the whole export.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells])
    return book


def xlsx_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
