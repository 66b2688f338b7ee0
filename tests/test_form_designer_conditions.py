"""The form designer's display conditions ("只在 <字段> 为 <值> 时显示"): written as `if`/`then`, read back
as the same rows, enforced by the validator, shown and hidden by the applicants' renderer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import definition, form_design, formdata
from engine.demo import user
from engine.errors import InvalidInput
from tests import helpers
from tests.webpage import Page, login, submit
from webapp import formrender

FORMS = Path(__file__).resolve().parent.parent / "forms"
SITE_CHECK = {"type": "object", "title": "现场核查", "required": ["result"], "properties": {
    "result": {"type": "string", "title": "结论", "oneOf": [{"const": "pass", "title": "通过"},
                                                          {"const": "fail", "title": "不通过"}]},
    "fail_reason": {"type": "string", "title": "不通过原因"},
    "photos_taken": {"type": "boolean", "title": "已拍照"},
    "photo_count": {"type": "integer", "title": "照片张数"}}}


def _with_conditions():
    rows, _complex = form_design.rows_of(SITE_CHECK, {})
    rows[1].update(show_when="result=fail", required=True)
    rows[3].update(show_when="photos_taken=true")
    return form_design.apply_rows(SITE_CHECK, {}, rows)


def test_a_condition_is_written_as_if_then_and_a_conditional_field_is_required_only_when_shown():
    schema, ui = _with_conditions()
    assert schema["required"] == ["result"]
    assert schema["allOf"] == [
        {"if": {"properties": {"result": {"const": "fail"}}, "required": ["result"]},
         "then": {"required": ["fail_reason"]}},
        {"if": {"properties": {"photos_taken": {"const": True}}, "required": ["photos_taken"]},
         "then": {"properties": {"photo_count": True}}}]
    assert "fail_reason" in formdata.errors_for(schema, {"result": "fail"})
    assert formdata.errors_for(schema, {"result": "pass"}) == {}
    assert formdata.errors_for(schema, {"result": "pass", "photos_taken": True}) == {}


def test_the_written_conditions_read_back_as_the_same_rows_and_saving_unchanged_changes_nothing():
    schema, ui = _with_conditions()
    rows, complex_fields = form_design.rows_of(schema, ui)
    assert complex_fields == [] and form_design.kept_conditions(schema, ui) == []
    assert [(r["name"], r.get("show_when"), r["required"]) for r in rows] == [
        ("result", None, True), ("fail_reason", "result=fail", True), ("photos_taken", None, False),
        ("photo_count", "photos_taken=true", False)]
    assert form_design.apply_rows(schema, ui, rows) == (schema, ui)


def test_removing_a_condition_removes_its_block_and_keeps_the_field_as_ticked():
    schema, ui = _with_conditions()
    rows, _complex = form_design.rows_of(schema, ui)
    del rows[1]["show_when"]
    again, _ui = form_design.apply_rows(schema, ui, rows)
    assert again["required"] == ["result", "fail_reason"] and len(again["allOf"]) == 1
    assert again["allOf"][0]["then"] == {"properties": {"photo_count": True}}


@pytest.mark.parametrize("path", sorted(FORMS.glob("**/*.schema.json")), ids=lambda p: p.stem)
def test_every_sample_form_round_trips_through_the_rows_unchanged(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    ui_path = path.with_name(path.name.replace(".schema.json", ".uischema.json"))
    ui = json.loads(ui_path.read_text(encoding="utf-8")) if ui_path.exists() else {}
    rows, _complex = form_design.rows_of(schema, ui)
    assert form_design.apply_rows(schema, ui, rows) == (schema, ui)


def test_the_sample_change_form_shows_its_conditions_as_rows_and_keeps_none_for_the_json_editor():
    schema = json.loads((FORMS / "business_license_change" / "apply.schema.json").read_text(encoding="utf-8"))
    rows, _complex = form_design.rows_of(schema, {})
    shown = {r["name"]: r["show_when"] for r in rows if r.get("show_when")}
    assert shown == {"new_name": "change_name=true", "new_address": "change_address=true",
                     "new_scope": "change_scope=true", "new_operator": "change_operator=true",
                     "mail_address": "delivery=邮寄送达"}
    assert form_design.kept_conditions(schema, {}) == []


def test_conditions_the_designer_cannot_express_are_kept_and_listed():
    schema = json.loads((FORMS / "common" / "pre_review.schema.json").read_text(encoding="utf-8"))
    rows, _complex = form_design.rows_of(schema, {})
    assert not any(r.get("show_when") for r in rows)
    assert "opinion" in form_design.kept_conditions(schema, {})
    assert form_design.apply_rows(schema, {}, rows)[0]["allOf"] == schema["allOf"]


def test_a_field_with_a_condition_the_designer_cannot_express_gets_no_second_one():
    schema = json.loads((FORMS / "common" / "pre_review.schema.json").read_text(encoding="utf-8"))
    rows, _complex = form_design.rows_of(schema, {})
    assert rows[1]["name"] == "opinion"
    rows[1]["show_when"] = "decision=refuse"
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(schema, {}, rows)
    assert caught.value.errors == {"rows.1.show_when": ["字段 opinion 已有设计器无法表达的显示条件，请在表单 JSON 中编辑"]}


@pytest.mark.parametrize("index, condition, message", [
    (1, "nowhere=x", "显示条件所依据的字段 nowhere 不在本表单中"),
    (0, "fail_reason=x", "显示条件只能依据排在本字段之前的字段，fail_reason 不在它之前"),
    (1, "fail_reason=x", "显示条件只能依据排在本字段之前的字段，fail_reason 不在它之前"),
    (2, "fail_reason=x", "显示条件只能依据选择或是/否字段，fail_reason 不是"),
    (1, "result=maybe", "字段 result 没有选项 maybe"),
    (3, "photos_taken=yes", "字段 photos_taken 没有选项 yes")])
def test_a_condition_must_name_an_earlier_choice_field_and_one_of_its_values(index, condition, message):
    rows, _complex = form_design.rows_of(SITE_CHECK, {})
    rows[index]["show_when"] = condition
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(SITE_CHECK, {}, rows)
    assert caught.value.errors == {f"rows.{index}.show_when": [message]}


def test_a_condition_on_an_option_changed_in_the_same_save_is_checked_against_the_new_options():
    rows, _complex = form_design.rows_of(SITE_CHECK, {})
    rows[0]["options"] = "pass=通过\nredo=复查"
    rows[1]["show_when"] = "result=fail"
    with pytest.raises(InvalidInput) as caught:
        form_design.apply_rows(SITE_CHECK, {}, rows)
    assert caught.value.errors == {"rows.1.show_when": ["字段 result 没有选项 fail"]}


def test_the_applicants_renderer_shows_each_conditional_field_only_for_its_value(app):
    schema, ui = _with_conditions()
    with app.test_request_context():
        children = {c.path[-1]: c.show_when for c in formrender.prepare({"schema": schema, "ui": ui}).root.children}
    assert children == {"result": [], "fail_reason": [("result", "fail")], "photos_taken": [],
                        "photo_count": [("photos_taken", "true")]}


def _designer(client, db, schema):
    code = helpers.item_code(db, "construction_permit")
    login(client, "analyst")
    client.post(f"/admin/items/{code}/draft/start")
    draft = definition.draft_of(db, user(db, "analyst"), code)
    forms = dict(draft.forms)
    forms["construction_permit/site_check"] = {"schema": schema, "ui": {}}
    definition.save_draft(db, user(db, "analyst"), code, forms=forms)
    return code, f"/admin/items/{code}/draft/forms/construction_permit/site_check"


def test_the_designer_page_offers_each_value_of_each_choice_field_and_saves_the_condition(client, db):
    code, url = _designer(client, db, SITE_CHECK)
    page = Page(client.get(url))
    select = page.find("f-rows-1-show_when")
    assert [o.get("value") for o in select.iter() if o.tag == "option"] == [
        "", "result=pass", "result=fail", "photos_taken=true", "photos_taken=false"]
    response = submit(client, url, "designer-form", {"rows[1][show_when]": "result=fail",
                                                     "rows[1][required]": "true"})
    assert response.status_code == 302, Page(response).html[:2000]
    saved = definition.draft_of(db, user(db, "analyst"), code).forms["construction_permit/site_check"]["schema"]
    assert saved["allOf"][0]["then"] == {"required": ["fail_reason"]} and saved["required"] == ["result"]
    again = Page(client.get(url))
    assert [o.get("value") for o in again.find("f-rows-1-show_when").iter() if o.get("selected") is not None] == [
        "result=fail"]
    shown = next(e for e in again.find("form-preview").iter() if e.get("data-testid") == "field-fail_reason")
    assert json.loads(shown.get("data-show-when")) == [["result", "fail"]]
    assert submit(client, url, "designer-form").status_code == 302  # saved unchanged
    assert definition.draft_of(db, user(db, "analyst"), code).forms["construction_permit/site_check"]["schema"] == saved
    assert definition.check_draft(db, user(db, "analyst"), code).ok


def test_a_condition_on_a_later_field_is_refused_next_to_the_row_and_nothing_is_saved(client, db):
    code, url = _designer(client, db, SITE_CHECK)
    response = submit(client, url, "designer-form", {"rows[0][show_when]": "photos_taken=true"})
    assert response.status_code == 400
    error = Page(response).find("f-rows-0-show_when-error")
    assert error is not None and "photos_taken 不在它之前" in error.text
    saved = definition.draft_of(db, user(db, "analyst"), code).forms["construction_permit/site_check"]["schema"]
    assert saved == SITE_CHECK
