"""Administration pages for items: who may open them, drafts, the live check, publishing, the modeler's API."""
from __future__ import annotations

import io

import pytest
from lxml import etree

from tests import helpers
from tests.bundle_fixtures import DEFAULT_DIAGRAM
from tests.webpage import Page, login, submit

STEM = "construction_permit"


def start(client, code):
    response = client.post(f"/admin/items/{code}/draft/start")
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["clerk", "zhangsan", "editor"])
def test_people_who_do_not_define_items_are_refused(client, db, username):
    code = helpers.item_code(db, STEM)
    login(client, username)
    assert client.get(f"/admin/items/{code}").status_code == 403
    assert client.post(f"/admin/items/{code}/draft/start").status_code == 403


def test_a_department_administrator_gets_404_for_another_departments_item(client, db):
    other = helpers.item_code(db, "business_license_change")
    own = helpers.item_code(db, STEM)
    login(client, "deptadmin")
    assert client.get(f"/admin/items/{other}").status_code == 404
    assert client.post(f"/admin/items/{other}/draft/start").status_code == 404
    assert client.post(f"/admin/items/{other}/retire", data={"reason": "x"}).status_code == 404
    assert client.get(f"/admin/items/{own}").status_code == 200
    listed = Page(client.get("/admin/"))
    assert listed.all("data-testid", f"item-{own}") and not listed.all("data-testid", f"item-{other}")


def test_the_item_page_lists_versions_with_who_and_when(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    page = Page(client.get(f"/admin/items/{code}"))
    assert page.find("start-draft") is not None
    assert page.all("data-testid", "version-row-1")


def test_an_analyst_edits_the_guide_in_a_draft_and_publishes_a_new_version(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    page = Page(client.get(f"/admin/items/{code}/draft"))
    assert page.find("check-ok") is not None
    yaml_text = page.find("item_yaml").text
    response = submit(client, f"/admin/items/{code}/draft", "draft-form",
                      {"item_yaml": yaml_text.replace("visits: 0", "visits: 1")})
    assert response.status_code == 302
    assert client.post(f"/admin/items/{code}/draft/publish").status_code == 302
    page = Page(client.get(f"/admin/items/{code}"))
    assert page.all("data-testid", "version-row-2")
    compare = Page(client.get(f"/admin/items/{code}/compare?a=1&b=2"))
    assert compare.find("diff-guide") is not None and compare.all("data-testid", "diff-guide-visits")


def test_the_live_check_answers_with_the_line_of_a_yaml_error(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    result = client.post(f"/admin/items/{code}/draft/check", data={"item_yaml": "code: [unclosed"}).get_json()
    assert result["ok"] is False
    assert any(p["severity"] == "error" and p["line"] for p in result["problems"])


def test_bad_forms_json_is_refused_next_to_the_field_and_nothing_is_saved(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    response = client.post(f"/admin/items/{code}/draft/save", data={"item_yaml": "x: 1", "forms_json": "{oops"})
    assert response.status_code == 400
    assert Page(response).find("error-forms_json") is not None
    assert "x: 1" not in Page(client.get(f"/admin/items/{code}/draft")).find("item_yaml").text


def test_saving_a_faulty_diagram_answers_with_the_faulty_element(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    xml = client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data(as_text=True)
    broken = xml.replace('value="pre_review" />', 'value="nonsense" />', 1)
    answer = client.post(f"/admin/items/{code}/draft/diagram", json={"xml": broken}).get_json()
    assert answer["saved"] is True and answer["ok"] is False
    assert [p["element_id"] for p in answer["problems"] if p["severity"] == "error"] == ["pre_review"]
    assert client.post(f"/admin/items/{code}/draft/diagram", json={"xml": "<not xml"}).status_code == 400


def test_a_camunda_modeler_diagram_imports_and_exports_unchanged(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    response = client.post(f"/admin/items/{code}/draft/diagram/import", content_type="multipart/form-data",
                           data={"bpmn_file": (io.BytesIO(DEFAULT_DIAGRAM.encode("utf-8")), "demo.bpmn")})
    assert response.status_code == 302
    exported = client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data()
    assert etree.tostring(etree.fromstring(exported), method="c14n") == \
        etree.tostring(etree.fromstring(DEFAULT_DIAGRAM.encode("utf-8")), method="c14n")


def test_an_entity_laden_upload_is_refused(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    response = client.post(f"/admin/items/{code}/draft/diagram/import", content_type="multipart/form-data",
                           data={"bpmn_file": (io.BytesIO(evil), "evil.bpmn")})
    assert response.status_code == 303
    assert "passwd" not in client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data(as_text=True)


def test_the_side_form_backend_writes_a_step_limit_into_the_posted_diagram(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    xml = client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data(as_text=True)
    answer = client.post(f"/admin/items/{code}/draft/element", json={
        "xml": xml, "element_id": "pre_review",
        "values": {"form": "construction_permit/pre_review", "group": "dm_construction_window",
                   "caseStep": "pre_review", "stepLimitDays": "4"}}).get_json()
    assert answer["settings"]["stepLimitDays"] == "4"
    bad = client.post(f"/admin/items/{code}/draft/element", json={"xml": xml, "element_id": "pre_review",
                                                                 "values": {"stepLimitDays": "zero"}})
    assert bad.status_code == 400 and bad.get_json()["message"]


def test_retiring_without_a_reason_is_refused_next_to_the_field(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    response = client.post(f"/admin/items/{code}/retire", data={"reason": ""})
    assert response.status_code == 400 and Page(response).find("error-reason") is not None
    assert client.post(f"/admin/items/{code}/retire", data={"reason": "法规废止"}).status_code == 302
    assert Page(client.get(f"/admin/items/{code}")).find("item-retired") is not None


def test_the_generated_guide_form_saved_unchanged_keeps_the_content_and_a_changed_name_publishes(client, db):
    from engine import definition
    from engine.demo import user

    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    page = Page(client.get(f"/admin/items/{code}/draft/guide"))
    assert page.find("guide-form") is not None
    assert submit(client, f"/admin/items/{code}/draft/guide", "guide-form").status_code == 302
    analyst = user(db, "analyst")
    assert definition.check_draft(db, analyst, code).ok
    assert definition.publish_draft(db, analyst, code).created is False  # the form lost nothing
    response = submit(client, f"/admin/items/{code}/draft/guide", "guide-form", {"name": "建筑工程施工许可（新）"})
    assert response.status_code == 302
    deployed = definition.publish_draft(db, analyst, code)
    assert deployed.created and deployed.version_no == 2


def test_the_guide_form_refuses_a_bad_limit_next_to_the_field(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    page = Page(client.get(f"/admin/items/{code}/draft/guide"))
    field = next(e for e in page.root.iter() if e.get("name", "").startswith("promised_limit") and "value" in e.get("name"))
    response = client.post(f"/admin/items/{code}/draft/guide", data={**dict(page.form_values("guide-form")),
                                                                     field.get("name"): "很多天"})
    assert response.status_code == 400


def test_discarding_a_draft_leaves_the_published_versions_alone(client, db):
    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    assert client.post(f"/admin/items/{code}/draft/discard").status_code == 302
    assert client.get(f"/admin/items/{code}/draft").status_code == 404
    page = Page(client.get(f"/admin/items/{code}"))
    assert page.find("start-draft") is not None and page.all("data-testid", "version-row-1")


def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_their_draft(client, db):
    from engine import definition
    from engine.demo import user

    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    page = Page(client.get(f"/admin/items/{code}/draft"))
    loaded = dict(page.form_values("draft-form"))
    definition.save_draft(db, user(db, "admin"), code, item_yaml=loaded["item_yaml"] + "\n# 管理员的修改\n")
    response = client.post(f"/admin/items/{code}/draft/save", data={**loaded, "item_yaml": "mine: 1"})
    assert response.status_code == 409 and Page(response).find("draft-conflict") is not None
    assert "管理员的修改" in definition.draft_of(db, user(db, "admin"), code).item_yaml
    xml = client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data(as_text=True)
    stale = client.post(f"/admin/items/{code}/draft/diagram", json={"xml": xml, "stamp": loaded["draft_stamp"]})
    assert stale.status_code == 409


def test_the_draft_is_compared_with_the_current_version_before_publishing(client, db):
    from engine import definition
    from engine.demo import user

    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    start(client, code)
    assert Page(client.get(f"/admin/items/{code}/draft/changes")).find("diff-empty") is not None
    draft = definition.draft_of(db, user(db, "analyst"), code)
    definition.save_draft(db, user(db, "analyst"), code, item_yaml=draft.item_yaml.replace("visits: 0", "visits: 1"),
                          bpmn_xml=draft.bpmn_xml.replace('name="stepLimitDays" value="1"',
                                                          'name="stepLimitDays" value="3"', 1))
    page = Page(client.get(f"/admin/items/{code}/draft/changes"))
    assert page.all("data-testid", "diff-guide-visits") and page.all("data-testid", "diff-changed-pre_review")


def test_with_csrf_on_the_modeler_saves_with_the_pages_token_header_and_not_without(database_url, tmp_path, db):
    import re

    from engine import demo
    from webapp import create_app

    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True,
                              "ONEWINDOW_DATA_DIR": str(tmp_path / "csrf-data"), "SECRET_KEY": "csrf-secret"})
    try:
        client = application.test_client()
        token = Page(client.get("/auth/login")).find("csrf_token").get("value")
        client.post("/auth/login", data={"username": "analyst", "password": demo.DEMO_PASSWORD, "csrf_token": token})
        code = helpers.item_code(db, STEM)
        page = client.get(f"/admin/items/{code}").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        assert client.post(f"/admin/items/{code}/draft/start", data={"csrf_token": token}).status_code == 302
        xml = client.get(f"/admin/items/{code}/draft/diagram.bpmn").get_data(as_text=True)
        assert client.post(f"/admin/items/{code}/draft/diagram", json={"xml": xml}).status_code == 400
        saved = client.post(f"/admin/items/{code}/draft/diagram", json={"xml": xml}, headers={"X-CSRFToken": token})
        assert saved.status_code == 200 and saved.get_json()["ok"] is True
    finally:
        application.extensions["onewindow"].dispose()
