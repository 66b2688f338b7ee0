"""Kiosk mode for the hall's touch screens: catalogue by department, a simplified guide, status lookup and the
window map; no login, and back to the start after two idle minutes."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from engine import cases
from engine.models import Item
from tests import helpers
from tests.webpage import Page

ROOT = Path(__file__).resolve().parent.parent


def test_the_kiosk_home_lists_departments_and_returns_home_when_idle(client, db):
    page = Page(client.get("/kiosk/"))
    assert page.status == 200
    body = next(e for e in page.root.iter() if e.tag == "body")
    assert body.get("data-kiosk-home") == "/kiosk/" and body.get("data-idle-seconds") == "120"
    assert any(e.tag == "script" and e.get("src", "").endswith("/kiosk.js") for e in page.root.iter())
    with db.read() as session:
        departments = {item.department.code for item in session.scalars(select(Item).where(Item.internal.is_(False)))}
    assert {e.get("data-testid")[len("kiosk-dept-"):] for e in page.all("data-testid", "kiosk-dept-")} == departments


def test_a_kiosk_department_page_lists_its_items_and_leads_to_a_simple_guide(client, db):
    code = helpers.item_code(db, "construction_permit")
    guide = yaml.safe_load((ROOT / "processes" / "construction_permit.item.yaml").read_text("utf-8"))
    with db.read() as session:
        department = session.scalar(select(Item).where(Item.code == code)).department.code
    page = Page(client.get(f"/kiosk/departments/{department}"))
    link = page.all("data-testid", f"kiosk-item-{code}")[0].get("href")
    guide_page = Page(client.get(link))
    assert guide_page.find("kiosk-guide").get("data-item-code") == code
    assert {e.get("data-testid")[len("kiosk-material-"):] for e in guide_page.all("data-testid", "kiosk-material-")} \
        == {m["id"] for m in guide["materials"]}


def test_the_kiosk_status_lookup_shows_the_result(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    page = Page(client.post("/kiosk/status", data={"case_no": submitted.case_no, "query_code": submitted.query_code}))
    assert page.text("case-no") == submitted.case_no
    assert Page(client.post("/kiosk/status", data={"case_no": "bad"})).status == 400


def test_the_window_map_shows_which_window_serves_which_department(client, db):
    organisation = yaml.safe_load((ROOT / "processes" / "organisation.yaml").read_text("utf-8"))

    def windows(departments):
        for dept in departments:
            yield from dept.get("windows") or []
            yield from windows(dept.get("children") or [])

    declared = list(windows(organisation["departments"]))
    page = Page(client.get("/kiosk/map"))
    tiles = page.all("data-testid", "window-")
    assert len(tiles) == len(declared) > 0
    names = {d["code"]: d["name"] for d in _flatten(organisation["departments"])}
    texts = [" ".join(tile.text.split()) for tile in tiles]
    for window in declared:
        text = next(t for t in texts if window["name"] in t)
        for code in window.get("serves", []):
            assert names[code] in text


def _flatten(departments):
    for dept in departments:
        yield dept
        yield from _flatten(dept.get("children") or [])


def test_kiosk_pages_need_no_login_and_unknown_codes_are_not_found(client):
    for path in ("/kiosk/", "/kiosk/status", "/kiosk/map"):
        assert client.get(path).status_code == 200, path
    assert client.get("/kiosk/departments/nope").status_code == 404
    assert client.get("/kiosk/items/" + "x" * 500).status_code == 404


def test_kiosk_touch_targets_are_at_least_64px():
    css = (ROOT / "webapp" / "static" / "kiosk.css").read_text("utf-8")
    for selector in (".kiosk-button", ".kiosk-tile", ".kiosk-form input"):
        rule = css[css.index(selector + " {"):]
        rule = rule[:rule.index("}")]
        heights = [int(part.split(":")[1].strip().rstrip("px;")) for part in rule.split(";") if "min-height" in part]
        assert heights and min(heights) >= 64, selector
