"""Exports for analysts' tools: element templates, item archives moved between installations, SVG drawings."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from lxml import etree
from sqlalchemy import select

from designer_export.archive import export_item, import_item
from designer_export.svg import render_svg
from designer_export.templates import element_templates
from engine import definition
from engine.errors import InvalidInput, InvalidState
from engine.models import Group, Item, ItemVersion
from tests import helpers
from tests.test_cli import ROOT, onewindow

STEM = "construction_permit"


def contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_second_version(db, users) -> str:
    code = helpers.item_code(db, STEM)
    draft = definition.start_draft(db, users["analyst"], code)
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace("visits: 0", "visits: 1"))
    assert definition.publish_draft(db, users["analyst"], code).version_no == 2
    return code


def test_element_templates_offer_the_live_groups_forms_and_case_steps(db):
    [template] = element_templates(db)
    assert template["appliesTo"] == ["bpmn:UserTask"]
    by_label = {p["binding"]["name"]: p for p in template["properties"]}
    with db.read() as session:
        groups = set(session.scalars(select(Group.code)))
    assert {c["value"] for c in by_label["camunda:candidateGroups"]["choices"]} == groups | {"applicant"}
    assert "construction_permit/pre_review" in {c["value"] for c in by_label["camunda:formKey"]["choices"]} or \
        any(c["value"].endswith("pre_review") for c in by_label["camunda:formKey"]["choices"])
    assert {c["value"] for c in by_label["caseStep"]["choices"]} >= {"pre_review", "review", "approve"}


def test_an_item_round_trips_through_an_archive_into_a_bare_database(db, bare_db, users):
    code = with_second_version(db, users)
    first = export_item(db, code)
    assert import_item(bare_db, first) == code
    second = export_item(bare_db, code)
    assert contents(first) == contents(second)
    assert first == second  # fixed timestamps: the same content gives the same bytes
    with bare_db.read() as session:
        versions = session.scalars(select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
                                   .where(Item.code == code).order_by(ItemVersion.version_no)).all()
        assert [(v.version_no, v.published_by) for v in versions] == [(1, None), (2, "analyst")]
        assert session.scalar(select(Item.current_version_id).where(Item.code == code)) == versions[-1].id


def test_an_archive_whose_content_was_altered_is_refused(db, bare_db):
    code = helpers.item_code(db, STEM)
    files = contents(export_item(db, code))
    name = next(n for n in files if n.endswith(".item.yaml"))
    files[name] = files[name].replace("施工许可".encode(), "施工许可（改）".encode(), 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, data in files.items():
            archive.writestr(entry, data)
    with pytest.raises(InvalidInput):
        import_item(bare_db, buffer.getvalue())
    with bare_db.read() as session:
        assert session.scalar(select(Item.id).where(Item.code == code)) is None


def test_importing_an_item_that_exists_is_refused(db):
    code = helpers.item_code(db, STEM)
    with pytest.raises(InvalidState):
        import_item(db, export_item(db, code))


def test_the_cli_exports_and_imports_an_item_and_writes_element_templates(fresh_env, bare_db, tmp_path, db):
    code = helpers.item_code(db, STEM)
    archive, templates = tmp_path / "item.zip", tmp_path / "templates.json"
    assert onewindow("export-item", code, str(archive), env=fresh_env).returncode == 0
    assert onewindow("element-templates", str(templates), env=fresh_env).returncode == 0
    assert json.loads(templates.read_text("utf-8"))[0]["id"] == "onewindow.userTask"
    bare_env = dict(fresh_env, DATABASE_URL=bare_db.engine.url.render_as_string(hide_password=False))
    result = onewindow("import-item", str(archive), env=bare_env)
    assert result.returncode == 0, result.stderr
    assert onewindow("import-item", str(archive), env=bare_env).returncode == 1


@pytest.fixture
def fresh_env(tmp_path, database_url):
    import os

    return dict(os.environ, ONEWINDOW_DATA_DIR=str(tmp_path / "data"), DATABASE_URL=database_url,
                PYTHONPATH=str(ROOT))


def test_the_svg_drawing_has_every_shape_and_flow_of_the_diagram_and_no_script():
    xml = (ROOT / "processes" / f"{STEM}.bpmn").read_bytes()
    svg = etree.fromstring(render_svg(xml).encode("utf-8"))
    drawn = {e.get("data-element-id") for e in svg.iter() if e.get("data-element-id")}
    source = etree.fromstring(xml)
    di = {e.get("bpmnElement") for e in source.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape",
                                                    "{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge")}
    assert drawn == di
    assert not list(svg.iter("{http://www.w3.org/2000/svg}script"))
    assert "窗口预审受理" in "".join(svg.itertext())


def test_archives_and_templates_download_and_an_uploaded_archive_is_checked(client, db):
    from tests.webpage import login

    code = helpers.item_code(db, STEM)
    login(client, "analyst")
    download = client.get(f"/admin/items/{code}/archive.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert client.get("/admin/element-templates.json").get_json()[0]["id"] == "onewindow.userTask"
    again = client.post("/admin/items/import", content_type="multipart/form-data",
                        data={"archive": (io.BytesIO(download.data), "item.zip")})
    assert again.status_code == 400  # it exists here already: refused, next to the field
    garbage = client.post("/admin/items/import", content_type="multipart/form-data",
                          data={"archive": (io.BytesIO(b"not a zip"), "item.zip")})
    assert garbage.status_code == 400
    client.post("/auth/logout")
    login(client, "deptadmin")
    assert client.get("/admin/items/import").status_code == 403
    assert client.get(f"/admin/items/{helpers.item_code(db, 'business_license_change')}/archive.zip").status_code == 404
