"""The form designer: fields as rows and back, losslessly; in the browser's pages, checked like any draft."""
from __future__ import annotations

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
    assert [r["name"] for r in rows] == ["result", "note"] and complex_fields == ["site"]
    assert rows[0]["options"] == "pass=通过\nfail=不通过" and rows[1]["kind"] == "textarea"
    assert form_design.apply_rows(SCHEMA, UI, rows) == (SCHEMA, UI)


def test_a_new_required_date_field_keeps_the_others_and_their_hidden_keywords():
    rows, _complex = form_design.rows_of(SCHEMA, UI)
    rows.append({"name": "checked_on", "title": "核查日期", "kind": "date", "required": True})
    schema, ui = form_design.apply_rows(SCHEMA, UI, rows)
    assert schema["properties"]["checked_on"] == {"type": "string", "format": "date", "title": "核查日期"}
    assert schema["properties"]["note"]["maxLength"] == 500 and schema["properties"]["site"] == SCHEMA["properties"]["site"]
    assert schema["required"] == ["result", "checked_on", "site"]


@pytest.mark.parametrize("row, key", [({"name": "Bad Name", "kind": "text"}, "rows.0.name"),
                                      ({"name": "site", "kind": "text"}, "rows.0.name"),
                                      ({"name": "pick", "kind": "choice", "options": ""}, "rows.0.options")])
def test_bad_rows_are_refused_with_the_row_and_field(row, key):
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(SCHEMA, UI, [row])
    assert key in caught.value.errors


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
    blank = next(e.get("name").split("[")[1].rstrip("]") for e in Page(client.get(url)).root.iter()
                 if (e.get("name") or "").startswith("rows[") and e.get("name").endswith("[name]")
                 and not e.get("value"))
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
