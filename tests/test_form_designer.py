"""The form designer: fields as rows and back, losslessly; in the browser's pages, checked like any draft."""
from __future__ import annotations

import re

import pytest

from engine import definition, form_design
from engine.demo import user
from engine.errors import InvalidInput
from tests import helpers
from tests.webpage import Page, login, submit

SCHEMA = {"type": "object", "title": "现场核查", "required": ["result", "site"],
          "properties": {
              "result": {"type": "string", "title": "结论", "oneOf": [{"const": "pass", "title": "通过"},
                                                                    {"const": "fail", "title": "不通过"}]},
              "note": {"type": "string", "title": "说明", "maxLength": 500},
              "site": {"type": "object", "title": "地点", "properties": {"city": {"type": "string"}}}}}
UI = {"note": {"ui:widget": "textarea"}}


def test_rows_and_back_give_the_same_form():
    rows, complex_fields = form_design.rows_of(SCHEMA, UI)
    assert [r["name"] for r in rows] == ["result", "note", "site"] and complex_fields == []
    assert rows[2]["kind"] == "group" and [f["name"] for f in rows[2]["fields"]] == ["city"]
    assert rows[0]["options"] == "pass=通过\nfail=不通过" and rows[1]["kind"] == "textarea"
    assert form_design.apply_rows(SCHEMA, UI, rows) == (SCHEMA, UI)


def test_a_new_required_date_field_keeps_the_others_and_their_hidden_keywords():
    rows, _complex = form_design.rows_of(SCHEMA, UI)
    rows.append({"name": "checked_on", "title": "核查日期", "kind": "date", "required": True})
    schema, ui = form_design.apply_rows(SCHEMA, UI, rows)
    assert schema["properties"]["checked_on"] == {"type": "string", "format": "date", "title": "核查日期"}
    assert schema["properties"]["note"]["maxLength"] == 500 and schema["properties"]["site"] == SCHEMA["properties"]["site"]
    assert schema["required"] == ["result", "site", "checked_on"]


@pytest.mark.parametrize("rows, key", [([{"name": "Bad Name", "kind": "text"}], "rows.0.name"),
                                       ([{"name": "note", "kind": "text"}, {"name": "note", "kind": "text"}],
                                        "rows.1.name"),
                                       ([{"name": "pick", "kind": "choice", "options": ""}], "rows.0.options")])
def test_bad_rows_are_refused_with_the_row_and_field(rows, key):
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(SCHEMA, UI, rows)
    assert key in caught.value.errors


def test_a_row_may_not_take_the_name_of_a_field_the_rows_cannot_show():
    conditional = {"type": "object", "properties": {"site": {"type": "string", "title": "地点"}},
                   "allOf": [], "if": {}, "x": 1}
    schema = {"type": "object", "properties": {"extra": {"type": "array", "items": {"type": "string"}}}}
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(schema, {}, [{"name": "extra", "kind": "text"}])
    assert "rows.0.name" in caught.value.errors
    assert form_design.nested_kind(conditional, {}) is None


def _blank_row(page) -> str:
    """The index of the empty top-level row the designer offers for a new field."""
    return next(re.match(r"^rows\[(\d+)\]\[name\]$", e.get("name")).group(1) for e in page.root.iter()
                if re.match(r"^rows\[\d+\]\[name\]$", e.get("name") or "") and not e.get("value"))


def test_the_designer_page_saves_an_added_field_into_the_draft_and_the_draft_stays_valid(client, db):
    code = helpers.item_code(db, "construction_permit")
    login(client, "analyst")
    client.post(f"/admin/items/{code}/draft/start")
    key = "common/pre_review"
    url = f"/admin/items/{code}/draft/forms/{key}"
    page = Page(client.get(url))
    assert page.find("designer-form") is not None and page.find("form-preview") is not None
    before = definition.draft_of(db, user(db, "analyst"), code).forms[key]
    assert submit(client, url, "designer-form").status_code == 302  # saved unchanged
    assert definition.draft_of(db, user(db, "analyst"), code).forms[key] == before
    blank = _blank_row(Page(client.get(url)))
    response = submit(client, url, "designer-form", {f"rows[{blank}][name]": "site_photo_count",
                                                     f"rows[{blank}][title]": "现场照片张数",
                                                     f"rows[{blank}][kind]": "integer"})
    assert response.status_code == 302
    after = definition.draft_of(db, user(db, "analyst"), code).forms[key]
    assert after["schema"]["properties"]["site_photo_count"] == {"type": "integer", "title": "现场照片张数"}
    assert definition.check_draft(db, user(db, "analyst"), code).ok


def test_a_bad_field_name_is_shown_next_to_the_field(client, db):
    code = helpers.item_code(db, "construction_permit")
    login(client, "analyst")
    client.post(f"/admin/items/{code}/draft/start")
    response = client.post(f"/admin/items/{code}/draft/forms/common/pre_review",
                           data={"rows[0][name]": "坏名字", "rows[0][kind]": "text"})
    assert response.status_code == 400
    assert Page(response).find("f-rows-0-name") is not None


def test_a_new_form_can_be_added_to_the_draft(client, db):
    code = helpers.item_code(db, "construction_permit")
    login(client, "analyst")
    client.post(f"/admin/items/{code}/draft/start")
    assert client.post(f"/admin/items/{code}/draft/forms", data={"key": "construction_permit/site_check"}).status_code == 302
    assert "construction_permit/site_check" in definition.draft_of(db, user(db, "analyst"), code).forms
    again = client.post(f"/admin/items/{code}/draft/forms", data={"key": "construction_permit/site_check"})
    assert again.status_code == 400 and Page(again).find("error-key") is not None


SHAREHOLDERS = {"type": "object", "title": "设立登记", "required": ["company_name", "shareholders"], "properties": {
    "company_name": {"type": "string", "title": "企业名称", "maxLength": 100},
    "shareholders": {"type": "array", "title": "股东", "minItems": 1, "items": {
        "type": "object", "required": ["holder_name"], "properties": {
            "holder_name": {"type": "string", "title": "股东名称"},
            "share": {"type": "number", "title": "出资比例", "maximum": 100}}}}}}


def test_a_table_of_shareholders_is_rows_with_sub_fields_and_back_losslessly():
    rows, complex_fields = form_design.rows_of(SHAREHOLDERS, {})
    assert complex_fields == [] and rows[1]["kind"] == "table"
    assert [(f["name"], f["kind"], f["required"]) for f in rows[1]["fields"]] == [
        ("holder_name", "text", True), ("share", "number", False)]
    assert form_design.apply_rows(SHAREHOLDERS, {}, rows) == (SHAREHOLDERS, {})


def test_a_sub_field_added_to_a_table_keeps_the_tables_own_keywords():
    rows, _complex = form_design.rows_of(SHAREHOLDERS, {})
    rows[1]["fields"].append({"name": "id_number", "title": "证件号码", "kind": "text", "required": True})
    rows.append({"name": "address", "title": "住所", "kind": "group", "fields": [
        {"name": "city", "title": "市", "kind": "text"}, {"name": "detail", "title": "详细地址", "kind": "textarea"}]})
    schema, ui = form_design.apply_rows(SHAREHOLDERS, {}, rows)
    table = schema["properties"]["shareholders"]
    assert table["minItems"] == 1 and table["items"]["required"] == ["holder_name", "id_number"]
    assert table["items"]["properties"]["share"]["maximum"] == 100
    assert schema["properties"]["address"] == {"type": "object", "title": "住所", "properties": {
        "city": {"type": "string", "title": "市"}, "detail": {"type": "string", "title": "详细地址"}}}
    assert ui == {"address": {"detail": {"ui:widget": "textarea"}}}


@pytest.mark.parametrize("fields, key", [([], "rows.0.fields"),
                                         ([{"name": "inner", "kind": "table"}], "rows.0.fields.0.kind"),
                                         ([{"name": "Bad", "kind": "text"}], "rows.0.fields.0.name")])
def test_a_table_needs_simple_well_named_sub_fields(fields, key):
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows({"type": "object", "properties": {}}, {},
                               [{"name": "rows_of_things", "kind": "table", "fields": fields}])
    assert key in caught.value.errors


def test_the_designer_page_adds_a_table_with_sub_fields_that_applicants_see(client, db):
    code = helpers.item_code(db, "construction_permit")
    login(client, "analyst")
    client.post(f"/admin/items/{code}/draft/start")
    client.post(f"/admin/items/{code}/draft/forms", data={"key": "construction_permit/investors"})
    url = f"/admin/items/{code}/draft/forms/construction_permit/investors"
    blank = _blank_row(Page(client.get(url)))
    response = submit(client, url, "designer-form", {
        f"rows[{blank}][name]": "investors", f"rows[{blank}][title]": "投资人", f"rows[{blank}][kind]": "table",
        f"rows[{blank}][fields][0][name]": "investor_name", f"rows[{blank}][fields][0][title]": "投资人名称",
        f"rows[{blank}][fields][0][kind]": "text", f"rows[{blank}][fields][0][required]": "true"})
    assert response.status_code == 302, Page(response).html[:2000]
    form = definition.draft_of(db, user(db, "analyst"), code).forms["construction_permit/investors"]
    assert form["schema"]["properties"]["investors"]["type"] == "array"
    items = form["schema"]["properties"]["investors"]["items"]
    assert items["properties"] == {"investor_name": {"type": "string", "title": "投资人名称"}}
    assert items["required"] == ["investor_name"]
    preview = Page(client.get(url))
    assert preview.find("form-preview") is not None
    assert any((e.get("name") or "").startswith("investors[") for e in preview.find("form-preview").iter())
