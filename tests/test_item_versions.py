"""Publishing creates immutable item versions; running cases stay on the version they started on."""
import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from engine import cases
from engine.catalogue import load_items
from engine.models import Case, CaseWorkflow, ItemVersion, ProcessSpec
from engine.status import CaseStatus

from .helpers import application, case, drive, item_code

ROOT = Path(__file__).resolve().parent.parent


def _project_copy(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "processes", root / "processes")
    shutil.copytree(ROOT / "forms", root / "forms")
    return root


def _republish_with_a_changed_diagram(db, tmp_path):
    root = _project_copy(tmp_path)
    diagram = root / "processes" / "construction_permit.bpmn"
    text = diagram.read_text(encoding="utf-8")
    diagram.write_text(text.replace("</bpmn:process>", "</bpmn:process>\n<!-- 第二版 -->", 1), encoding="utf-8")
    report, deployed = load_items(db, root, published_by="test")
    assert report.ok
    return {d.item_code: d for d in deployed}


def test_changed_bundle_becomes_a_new_version_and_unchanged_ones_do_not(db, tmp_path):
    code = item_code(db, "construction_permit")
    deployed = _republish_with_a_changed_diagram(db, tmp_path)
    assert deployed[code].created and deployed[code].version_no == 2
    assert not any(d.created for c, d in deployed.items() if c != code)


def test_running_case_stays_on_its_version_while_new_cases_take_the_new_one(db, users, tmp_path):
    code = item_code(db, "construction_permit")
    old_case = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    _republish_with_a_changed_diagram(db, tmp_path)
    new_case = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    with db.read() as session:
        versions = {c.id: c.item_version.version_no for c in session.scalars(select(Case))}
    assert versions[old_case] == 1 and versions[new_case] == 2
    drive(db, users, old_case)
    assert case(db, old_case).status == CaseStatus.APPROVED


def test_spec_is_stored_once_per_content_not_in_every_case(db, users):
    code = item_code(db, "construction_permit")
    for _ in range(3):
        cases.submit(db, code, application(db, code), users["haiyun"])
    with db.read() as session:
        specs = session.scalar(select(func.count()).select_from(ProcessSpec))
        versions = session.scalar(select(func.count()).select_from(ItemVersion))
        states = [json.loads(s) for s in session.scalars(select(CaseWorkflow.state))]
    assert specs == versions == 9  # eight sample items and the internal bad-review rectification
    assert len(states) == 3
    assert all("spec" not in state and "subprocess_specs" not in state for state in states)
