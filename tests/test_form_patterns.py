"""Analysts' regular expressions (`pattern`) are matched in linear time, and refused when publishing if the
linear-time engine cannot run them, so no pattern can stall the server."""
from __future__ import annotations

import time

import pytest

from engine import definition, formdata
from engine.bundles import check_paths
from engine.errors import InvalidInput
from tests import helpers
from tests.bundle_fixtures import APPLY_FORM, only_error, project
from tests.webpage import Page, login, send_application

NESTED = "^(a+)+$"  # the pattern: Python's backtracking `re` doubles its time with each letter
HOSTILE = "a" * 40 + "!"


def code_form(pattern: str) -> dict:
    return {"type": "object", "title": "测试表", "properties": {
        "code": {"type": "string", "title": "项目代码", "pattern": pattern}}}


def test_a_nested_quantifier_pattern_is_checked_in_well_under_100_ms():
    started = time.perf_counter()
    found = formdata.errors_for(code_form(NESTED), {"code": HOSTILE})
    assert time.perf_counter() - started < 0.1
    assert found == {"code": ["“项目代码”的格式不正确。"]}


def test_a_pattern_still_accepts_what_it_describes():
    assert formdata.errors_for(code_form(NESTED), {"code": "a" * 40}) == {}


def test_pattern_properties_are_matched_in_linear_time_too():
    schema = {"type": "object", "patternProperties": {NESTED: {"type": "integer"}}, "additionalProperties": False}
    started = time.perf_counter()
    found = formdata.errors_for(schema, {HOSTILE: 1, "aaa": "x"})
    assert time.perf_counter() - started < 0.1
    assert set(found) == {"", "aaa"}  # the hostile name is an extra property; "aaa" matched and is no integer


def test_a_stored_form_with_a_pattern_the_engine_refuses_says_so_instead_of_failing():
    assert formdata.errors_for(code_form(r"^(a)\1$"), {"code": "aa"}) == {
        "code": ["“项目代码”的格式规则有误，暂时无法检查，请联系办理部门。"]}


def test_the_checker_refuses_a_backreference_naming_the_form_and_the_field(tmp_path):
    form = {**APPLY_FORM, "title": "测试申请表",
            "properties": {**APPLY_FORM["properties"], **code_form(r"^(\d)\1$")["properties"]}}
    report = check_paths([str(project(tmp_path, forms={"demo/apply": form}))])
    problem = only_error(report, None, "格式规则", file="forms/demo/apply.schema.json")
    assert "测试申请表" in problem.message and "项目代码" in problem.message
    assert "properties.code.pattern" in problem.message and "反向引用" in problem.hint


def test_the_checker_refuses_a_lookahead_inside_a_table_of_rows(tmp_path):
    rows = {"type": "array", "title": "股东", "items": {"type": "object", "properties": {
        "id": {"type": "string", "title": "证件号", "pattern": "^(?=\\d)\\w+$"}}}}
    form = {**APPLY_FORM, "properties": {**APPLY_FORM["properties"], "holders": rows}}
    problem = only_error(check_paths([str(project(tmp_path, forms={"demo/apply": form}))]), None, "格式规则")
    assert "证件号" in problem.message and "holders.items.properties.id.pattern" in problem.message


def test_a_pattern_only_the_linear_engine_knows_is_accepted(tmp_path):
    # `\p{Han}` is valid for RE2 and refused by Python's `re`: the checker judges with the engine that matches.
    form = {**APPLY_FORM, "properties": {**APPLY_FORM["properties"], **code_form(r"^\p{Han}{2,10}$")["properties"]}}
    report = check_paths([str(project(tmp_path, forms={"demo/apply": form}))])
    assert report.ok, [p.format() for p in report.problems]


def test_a_draft_with_a_lookbehind_pattern_cannot_be_published(db, users):
    code = helpers.item_code(db, "construction_permit")
    draft = definition.start_draft(db, users["analyst"], code)
    forms = dict(draft.forms)
    key = next(k for k in forms if k.endswith("/apply"))
    schema = forms[key]["schema"]
    schema["properties"]["project"]["properties"]["name"]["pattern"] = "(?<!x)y"
    definition.save_draft(db, users["analyst"], code, forms=forms)
    with pytest.raises(InvalidInput) as refused:
        definition.publish_draft(db, users["analyst"], code)
    [message] = [m for m in refused.value.errors[""] if "格式规则" in m]
    assert schema["properties"]["project"]["properties"]["name"]["title"] in message


def test_an_applicants_hostile_text_against_a_published_nested_pattern_is_answered_at_once(app, db, users):
    code = helpers.item_code(db, "construction_permit")
    draft = definition.start_draft(db, users["analyst"], code)
    forms = dict(draft.forms)
    key = next(k for k in forms if k.endswith("/apply"))
    forms[key]["schema"]["properties"]["project"]["properties"]["name"]["pattern"] = NESTED
    definition.save_draft(db, users["analyst"], code, forms=forms)
    assert definition.publish_draft(db, users["analyst"], code).created
    client = app.test_client()
    login(client, "haiyun")
    started = time.perf_counter()
    response = send_application(client, code, {"project": {"name": HOSTILE}}, with_files=False)
    assert time.perf_counter() - started < 5  # the whole request; before RE2 the pattern alone took hours
    assert response.status_code == 400
    assert Page(response).find("f-project-name-error") is not None


def test_the_browser_is_not_given_patterns_to_run(app, db):
    client = app.test_client()
    login(client, "haiyun")
    page = Page(client.get(f"/my/apply/{helpers.item_code(db, 'construction_permit')}"))
    assert page.find("f-builder-uscc") is not None and page.all("pattern", "") == []
