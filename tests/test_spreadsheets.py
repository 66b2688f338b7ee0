"""Exports opened in Excel or WPS run no formula a name smuggles in (issue 13, item 6; OWASP CSV injection):
a text cell starting with = + - @, a tab or a carriage return is written with a leading apostrophe."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from engine import cases, spreadsheets
from engine.models import User
from tests import helpers
from tests.test_web_supervision import _as

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = (HYPERLINK, "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd")


def _csv_rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _sheet(raw: bytes):
    return load_workbook(io.BytesIO(raw)).active


def test_a_clerk_named_as_a_formula_is_plain_text_in_the_excel_and_csv_exports(app, db, users):
    with db.write() as session:
        session.get(User, users["clerk"].id).display_name = HYPERLINK
    code = helpers.item_code(db, "construction_permit")
    case_id = cases.submit(db, code, helpers.application(db, code), users["haiyun"]).case_id
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    supervisor = _as(app, "supervisor")
    query = f"dimension=clerk&month={date.today():%Y-%m}"

    sheet = _sheet(supervisor.get(f"/supervision/statistics/export.xlsx?{query}").data)
    [cell] = [c for c in sheet["A"] if "HYPERLINK" in str(c.value)]
    assert cell.data_type != "f" and cell.value == "'" + HYPERLINK
    rows = _csv_rows(supervisor.get(f"/supervision/statistics/export.csv?{query}").data)
    assert ["'" + HYPERLINK] == [row[0] for row in rows if "HYPERLINK" in row[0]]


@pytest.mark.parametrize("text", FORMULAS, ids=("equals", "plus", "minus", "at", "tab", "carriage-return"))
def test_text_that_would_start_a_formula_is_written_as_text(text):
    [[csv_cell]] = _csv_rows(spreadsheets.csv_bytes([[text]]))
    [[xlsx_cell]] = _sheet(spreadsheets.xlsx_bytes(spreadsheets.workbook([[text]], "t"))).iter_rows()
    assert csv_cell == "'" + text
    assert xlsx_cell.data_type == "s" and xlsx_cell.value == "'" + text


def test_numbers_and_ordinary_text_are_written_as_they_are():
    row = ["白蕉镇 = 斗门区", -1, None, 2.5]
    assert _csv_rows(spreadsheets.csv_bytes([row])) == [["白蕉镇 = 斗门区", "-1", "", "2.5"]]
    [cells] = _sheet(spreadsheets.xlsx_bytes(spreadsheets.workbook([row], "t"))).iter_rows(values_only=True)
    assert list(cells) == row
