"""The portal's catalogue: search by any part of name, code or department (and pinyin), browse by
department, theme, audience and level, the most requested items, and every guide field of an item."""
from __future__ import annotations

import os

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from engine import cases
from engine.models import Department, Item
from tests import helpers
from tests.webpage import Page

ROOT = Path(__file__).resolve().parent.parent


def listed(response) -> list[str]:
    return [e.get("data-testid")[len("item-"):] for e in Page(response).all("data-testid", "item-")]


def construction(db) -> Item:
    code = helpers.item_code(db, "construction_permit")
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == code))
        item.department  # loaded for the test
        return item


def test_search_finds_an_item_by_a_substring_of_its_name(client, db):
    item = construction(db)
    assert item.code in listed(client.get("/", query_string={"q": item.name[2:6]}))


def test_search_finds_an_item_by_part_of_its_code(client, db):
    item = construction(db)
    assert listed(client.get("/", query_string={"q": item.code.split("-")[2].lower()})) == [item.code]


def test_search_finds_items_by_their_department_name(client, db):
    item = construction(db)
    found = listed(client.get("/", query_string={"q": item.department.name[2:8]}))
    assert item.code in found
    with db.read() as session:
        same_department = set(session.scalars(select(Item.code).where(Item.department_id == item.department_id,
                                                                      Item.internal.is_(False))))
    assert set(found) == same_department


def test_search_finds_an_item_by_the_pinyin_initials_of_its_name(client, db):
    item = construction(db)
    assert listed(client.get("/", query_string={"q": "jzgcsgxkz"})) == [item.code]
    assert item.code in listed(client.get("/", query_string={"q": "JianZhu"}))


def test_a_search_with_like_wildcards_matches_literally(client):
    page = Page(client.get("/", query_string={"q": "%_"}))
    assert page.status == 200 and page.find("no-items") is not None


def test_browsing_by_department_lists_only_its_items(client, db):
    item = construction(db)
    found = listed(client.get("/", query_string={"dept": item.department.code}))
    with db.read() as session:
        expected = set(session.scalars(select(Item.code).where(Item.department_id == item.department_id,
                                                               Item.internal.is_(False))))
    assert set(found) == expected


def test_browsing_by_theme_lists_the_items_carrying_it(client, db):
    guides = {data["code"]: data for data in (yaml.safe_load(p.read_text("utf-8"))
                                              for p in (ROOT / "processes").glob("*.item.yaml"))}
    theme = guides[construction(db).code]["themes"][0]
    expected = {code for code, data in guides.items() if theme in data.get("themes", [])}
    assert set(listed(client.get("/", query_string={"theme": theme}))) == expected


@pytest.mark.parametrize("audience, service_object", [("person", "自然人"), ("company", "法人")])
def test_browsing_by_audience_follows_the_service_objects(client, db, audience, service_object):
    guides = [yaml.safe_load(p.read_text("utf-8")) for p in (ROOT / "processes").glob("*.item.yaml")]
    expected = {g["code"] for g in guides if service_object in g["service_objects"] and not g.get("internal")}
    assert set(listed(client.get("/", query_string={"audience": audience}))) == expected


def test_browsing_by_level(client, db):
    with db.read() as session:
        levels = dict(session.execute(select(Item.code, Item.level).where(Item.internal.is_(False))).all())
    for level in ("province", "city", "county", "township"):
        found = set(listed(client.get("/", query_string={"level": level})))
        assert found == {code for code, lv in levels.items() if lv == level}, level


def test_filters_combine_with_keywords(client, db):
    item = construction(db)
    found = listed(client.get("/", query_string={"q": "许可", "dept": item.department.code, "audience": "company"}))
    assert item.code in found
    assert listed(client.get("/", query_string={"q": "许可", "dept": item.department.code, "level": "province"})) == []


@pytest.mark.parametrize("args", [{"dept": "no-such-dept"}, {"theme": "不存在的主题"}, {"audience": "alien"},
                                  {"level": "galaxy"}, {"dept": "x" * 5000}, {"theme": "<script>"}])
def test_a_filter_value_that_names_nothing_is_ignored_with_a_notice(client, db, args):
    page = Page(client.get("/", query_string=args))
    assert page.status == 200
    assert page.all("data-testid", "filter-notice")
    with db.read() as session:
        published = session.scalar(select(Item.id).where(Item.internal.is_(False)).limit(1))
    assert published is not None and page.all("data-testid", "item-")


@pytest.mark.parametrize("page_arg", ["abc", "-1", "0", "1" * 40, "１"])
def test_a_forged_page_number_is_not_found_never_an_error(client, page_arg):
    assert client.get("/", query_string={"page": page_arg}).status_code == 404


def test_an_overlong_search_is_answered(client):
    response = client.get("/", query_string={"q": "施工" * 5000})
    assert response.status_code == 200


def test_the_catalogue_is_paginated_keeping_the_filters(app, client, db):
    app.config["PORTAL_PAGE_SIZE"] = 4
    with db.read() as session:
        everything = set(session.scalars(select(Item.code).where(Item.internal.is_(False))))
    seen, url = [], "/?level=county"
    while url:
        page = Page(client.get(url))
        codes = [e.get("data-testid")[len("item-"):] for e in page.all("data-testid", "item-")]
        assert 0 < len(codes) <= 4
        seen += codes
        following = page.all("data-testid", "page-next")
        url = following[0].get("href") if following else None
        assert url is None or "level=county" in url
    assert sorted(seen) == sorted(everything)


def test_the_home_page_shows_the_most_requested_items_counted_from_cases(client, db, users):
    item = construction(db)
    for _ in range(3):
        cases.submit(db, item.code, helpers.application(db, item.code), users["haiyun"])
    other = helpers.item_code(db, "planning_permit")
    cases.submit(db, other, helpers.application(db, other), users["haiyun"])
    popular = Page(client.get("/")).all("data-testid", "popular-")
    assert [e.get("data-testid") for e in popular[:2]] == [f"popular-{item.code}", f"popular-{other}"]
    assert popular[0].get("data-count") == "3"


def test_the_home_page_shows_the_latest_articles_of_every_kind(client):
    page = Page(client.get("/"))
    for kind in ("news", "notice", "policy", "regulation"):
        block = next(e for e in page.all("data-testid", f"latest-{kind}"))
        assert [e for e in block.iter() if (e.get("data-testid") or "").startswith("latest-article-")], kind


# Item-file keys that are not guide text: engine settings, search words, and the process and form, which the
# page shows as the diagram and the apply button. File names appear only as links when the file exists.
NOT_SHOWN = {"warning_days", "notice_prefix", "keywords", "internal", "application_form"}
SHOWN_BY_NAME = {"department", "process", "level", "case_kind"}  # codes: the page shows a name, label or diagram
CODED = {"unit", "medium", "payment", "type", "id", "blank_form", "sample", "accept", "value"}


def strings(value, key: str = "") -> list[str]:
    """Every text a guide field holds, except coded values (shown as labels) and file names."""
    if key in CODED:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


@pytest.mark.parametrize("stem", ["construction_permit", "planning_permit", "real_estate_transfer"])
def test_the_guide_shows_every_field_of_the_item_file(client, db, stem):
    guide = yaml.safe_load((ROOT / "processes" / f"{stem}.item.yaml").read_text("utf-8"))
    page = Page(client.get(f"/items/{guide['code']}"))
    assert page.status == 200
    sections = {e.get("data-field"): " ".join(e.text.split()) for e in page.all("data-field")}
    for key, value in guide.items():
        if key in NOT_SHOWN or value is False:
            continue
        if key == "tolerated_supplement_limit":  # shown with the tolerance it belongs to
            assert str(value) in sections["allows_tolerance"]
            continue
        assert key in sections, f"{stem}: the guide has no section for {key}"
        if key in SHOWN_BY_NAME:
            continue
        for text in strings(value):
            assert " ".join(text.split()) in sections[key], (stem, key, text)
    for material in guide["materials"]:
        row = next(e for e in page.all("data-testid", f"material-{material['id']}"))
        assert row.get("data-required") == ("true" if material["required"] else "false")
        counts = " ".join(next(e for e in page.all("data-testid", f"counts-{material['id']}")).text.split())
        assert f"原件 {material.get('originals', 0)} 份" in counts and f"复印件 {material.get('copies', 0)} 份" in counts
    limits = page.find("guide-facts")
    assert limits is not None
    statutory = " ".join(next(e for e in page.all("data-testid", "statutory-limit")).text.split())
    assert str(guide["statutory_limit"]["value"]) in statutory


def test_the_guide_offers_online_application_and_the_process_diagram(client, db):
    item = construction(db)
    page = Page(client.get(f"/items/{item.code}"))
    assert page.find("apply-link").get("href") == f"/my/apply/{item.code}"
    source = page.find("process-diagram").get("data-src")
    body = client.get(source).get_json()
    assert body["xml"].lstrip().startswith("<?xml") and "bpmn" in body["xml"]


def test_a_guide_file_is_linked_and_served_only_when_it_exists(app, client, db):
    item = construction(db)
    guide = yaml.safe_load((ROOT / "processes" / "construction_permit.item.yaml").read_text("utf-8"))
    material = next(m for m in guide["materials"] if m.get("blank_form"))
    page = Page(client.get(f"/items/{item.code}"))
    assert not page.all("data-testid", f"download-{material['id']}-blank_form")
    assert client.get(f"/items/{item.code}/files/{material['id']}/blank_form").status_code == 404
    folder = Path(app.config["ONEWINDOW_DATA_DIR"]) / "guide-files" / item.code
    folder.mkdir(parents=True)
    (folder / material["blank_form"]).write_bytes(b"PK\x03\x04 blank form")
    link = next(iter(Page(client.get(f"/items/{item.code}")).all("data-testid", f"download-{material['id']}-blank_form")))
    response = client.get(link.get("href"))
    assert response.status_code == 200 and response.data == b"PK\x03\x04 blank form"
    # Its filled sample is named in the item file too, but is not there: no link.
    assert not Page(client.get(f"/items/{item.code}")).all("data-testid", f"download-{material['id']}-sample")


@pytest.mark.parametrize("path", ["/items/x/files/../blank_form", "/items/%2e%2e/files/a/blank_form",
                                  "/items/{code}/files/application_form/other", "/items/{code}/files/nope/sample"])
def test_forged_file_requests_are_not_found(client, db, path):
    response = client.get(path.format(code=construction(db).code))
    assert response.status_code == 404


def test_an_internal_item_has_no_guide(client, db):
    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.internal.is_(True)))
    assert code is not None
    assert client.get(f"/items/{code}").status_code == 404
    assert client.get(f"/items/{code}/diagram.json").status_code == 404


def test_departments_for_browsing_are_those_with_published_items(client, db):
    page = Page(client.get("/"))
    options = [o.get("value") for o in page.find("filter-dept").iter() if o.tag == "option" and o.get("value")]
    with db.read() as session:
        codes = set(session.scalars(select(Department.code).join(Item, Item.department_id == Department.id)
                                    .where(Item.internal.is_(False))))
    assert set(options) == codes


def test_load_items_copies_the_guide_files_a_bundle_ships_and_the_guide_links_them(tmp_path, database_url, db):
    import os
    import shutil
    import subprocess
    import sys

    from webapp import create_app

    project = tmp_path / "project"
    shutil.copytree(ROOT / "processes", project / "processes")
    shutil.copytree(ROOT / "forms", project / "forms")
    guide = yaml.safe_load((ROOT / "processes" / "real_estate_transfer.item.yaml").read_text("utf-8"))
    material = next(m for m in guide["materials"] if m.get("blank_form"))
    files = project / "processes" / "real_estate_transfer.files"
    files.mkdir()
    (files / material["blank_form"]).write_bytes(b"blank form")
    data = tmp_path / "data"
    env = dict(os.environ, ONEWINDOW_DATA_DIR=str(data), DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", "from webapp.cli import main; main()", "load-items", str(project)],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (data / "guide-files" / guide["code"] / material["blank_form"]).read_bytes() == b"blank form"
    assert material["sample"] in result.stdout  # named in the guide, not shipped: said so

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(data),
                      "SECRET_KEY": "t"})
    try:
        page = Page(app.test_client().get(f"/items/{guide['code']}"))
        assert page.all("data-testid", f"download-{material['id']}-blank_form")
        assert not page.all("data-testid", f"download-{material['id']}-sample")
    finally:
        app.extensions["onewindow"].dispose()


def test_the_construction_permits_shipped_blank_form_and_sample_download_from_its_guide(tmp_path, database_url):
    import subprocess
    import sys

    from webapp import create_app

    guide = yaml.safe_load((ROOT / "processes" / "construction_permit.item.yaml").read_text("utf-8"))
    data = tmp_path / "data"
    env = dict(os.environ, ONEWINDOW_DATA_DIR=str(data), DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", "from webapp.cli import main; main()", "load-items"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(data),
                      "SECRET_KEY": "t"})
    try:
        client = app.test_client()
        page = Page(client.get(f"/items/{guide['code']}"))
        for which in ("blank_form", "sample"):
            [link] = page.all("data-testid", f"download-application_form-{which}")
            response = client.get(link.get("href"))
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
    finally:
        app.extensions["onewindow"].dispose()
