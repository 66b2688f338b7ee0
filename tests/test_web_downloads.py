"""Every download over real HTTP, with the Chinese names people see (issue 13, item 2).

A name written raw into `Content-Disposition` is not valid HTTP: the dev server dropped the connection of the
applicant's receipt PDF and gunicorn answered 500, while the Flask test client (which encodes nothing) passed.
So each route that sends a file is fetched here from one live app (`onewindow serve`, tests/live_app.py) shared
by the module, and its name is decoded as RFC 6266 / 5987 say, by the standard library rather than our code.
"""
from __future__ import annotations

import calendar
import inspect
import io
from datetime import date
from email import utils
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import cases, definition, demo, guide_files, materials
from engine.db import Database
from engine.models import Case, Item, ItemVersion
from tests import helpers, material_files
from tests.live_app import LiveApp, Visitor
from webapp import downloads

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")
PDF, ZIP, PNG, BOM = b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xef\xbb\xbf"
MONTH = date.today().strftime("%Y-%m")
PERIOD = f"{MONTH}-01_{MONTH}-{calendar.monthrange(date.today().year, date.today().month)[1]:02d}"


@pytest.fixture(scope="module")
def site(module_database_url, tmp_path_factory):
    """The live app over a database holding one accepted construction permit of 海韵 (its receipt, its notice,
    its materials), a file in 海韵's library, the permit's guide files and the analyst's draft of it."""
    data_dir = tmp_path_factory.mktemp("downloads-data")
    db = Database.from_url(module_database_url)
    try:
        facts = _seed(db, data_dir)
    finally:
        db.dispose()
    app = LiveApp(module_database_url, data_dir).start()
    yield app, facts
    app.stop()


def _seed(db: Database, data_dir: Path) -> dict:
    users = {account.username: demo.user(db, account.username) for account in demo.ACCOUNTS}
    code = helpers.item_code(db, "construction_permit")

    def upload(name, make=material_files.pdf):
        return materials.store(db, users["haiyun"], name, io.BytesIO(make()), uploads_dir=data_dir / "uploads")

    files = {m: [upload(f"{m}.pdf").public_id] for m in REQUIRED}
    contract = upload("施工合同（盖章页）.pdf").public_id
    files["contract"] = [contract]
    case_id = cases.submit(db, code, helpers.application(db, code), users["haiyun"], materials=files,
                           enforce_required=True).case_id
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, helpers.worker_for(db, task, users), helpers.answer(db, task, decision="accept"))
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == code))
        guide = session.get(ItemVersion, item.current_version_id).guide
        facts = {"code": code, "item_name": item.name, "case_id": case_id,
                 "case_no": session.get(Case, case_id).case_no}
    guide_files.install(ROOT, data_dir, "construction_permit", code, guide)
    definition.start_draft(db, users["analyst"], code)
    notice = helpers.documents(db, case_id)[0]
    library = upload("营业执照 副本.png", material_files.png)
    return dict(facts, notice_id=notice.id, notice_number=notice.number, contract=contract,
                library=library.public_id, blank_form=next(m["blank_form"] for m in guide["materials"]
                                                           if m.get("blank_form")))


# endpoint -> (who downloads, path, the name the browser saves, inline or attachment, how the file starts)
def _downloads(f: dict) -> dict:
    return {
        "applicant.receipt_pdf": ("haiyun", f"/my/cases/{f['case_id']}/receipt.pdf",
                                  f"申请回执-{f['case_no']}.pdf", "attachment", PDF),
        "documents.pdf": ("haiyun", f"/documents/{f['notice_id']}/pdf", f"{f['notice_number']}.pdf", "inline", PDF),
        "materials.case_file": ("clerk", f"/cases/{f['case_id']}/materials/{f['contract']}", "施工合同（盖章页）.pdf",
                                "inline", PDF),
        "materials.own_file": ("haiyun", f"/my/files/{f['library']}", "营业执照 副本.png", "inline", PNG),
        "portal.guide_file": (None, f"/items/{f['code']}/files/application_form/blank_form", f["blank_form"],
                              "attachment", PDF),
        "supervision.statistics_export": ("supervisor", f"/supervision/statistics/export.xlsx?month={MONTH}",
                                          f"办件统计-按部门-{PERIOD}.xlsx", "attachment", ZIP),
        "supervision.statistics_export:csv": ("supervisor", f"/supervision/statistics/export.csv?month={MONTH}",
                                              f"办件统计-按部门-{PERIOD}.csv", "attachment", BOM),
        "supervision.statistics_report": ("supervisor", f"/supervision/statistics/report.pdf?month={MONTH}",
                                          f"效能监察月度报告-{MONTH}.pdf", "attachment", PDF),
        "admin.item_archive": ("analyst", f"/admin/items/{f['code']}/archive.zip", f"{f['item_name']}-{f['code']}.zip",
                               "attachment", ZIP),
        "admin.element_templates": ("analyst", "/admin/element-templates.json", "onewindow-element-templates.json",
                                    "attachment", b"["),
        "admin.export_diagram": ("analyst", f"/admin/items/{f['code']}/draft/diagram.bpmn", "construction_permit.bpmn",
                                 "attachment", b"<?xml"),
    }


ROUTES = ("applicant.receipt_pdf", "documents.pdf", "materials.case_file", "materials.own_file",
          "portal.guide_file", "supervision.statistics_export", "supervision.statistics_export:csv",
          "supervision.statistics_report", "admin.item_archive", "admin.element_templates", "admin.export_diagram")


def _saved_name(disposition: str) -> tuple[str, str]:
    """(inline or attachment, the name a browser saves): the standard library parses the RFC 2231 / 5987
    parameters; as RFC 6266 says, `filename*` wins over the ASCII `filename` beside it."""
    header = Message()
    header["Content-Disposition"] = disposition
    (kind, _empty), *params = header.get_params(header="content-disposition")
    names = dict((isinstance(value, tuple), value) for key, value in params if key == "filename")
    return kind, utils.collapse_rfc2231_value(names[True]) if True in names else names[False]


@pytest.fixture(scope="module")
def visitors(site):
    """One signed-in visitor per account (and an anonymous one), shared: signing in costs a login each."""
    app, _facts = site
    signed: dict = {}

    def visitor(username):
        if username not in signed:
            signed[username] = Visitor(app.base)
            if username is not None:
                signed[username].sign_in(username)
        return signed[username]
    return visitor


@pytest.mark.parametrize("route", ROUTES)
def test_every_download_arrives_whole_under_its_chinese_name(site, visitors, route, pdf_font):
    _app, facts = site
    username, path, name, kind, start = _downloads(facts)[route]
    answer = visitors(username).get(path, timeout=20)
    assert answer.status == 200, answer.body[:300]
    disposition = answer.headers["Content-Disposition"]
    assert disposition.isascii()
    assert _saved_name(disposition) == (kind, name)
    assert len(answer.body) == int(answer.headers["Content-Length"]) and answer.body.startswith(start)


def _sends_files(function, seen: set) -> bool:
    """Whether the view, or a function of ours it calls, sends through webapp.downloads."""
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function):
        return False
    seen.add(function)
    for name in function.__code__.co_names:
        target = function.__globals__.get(name)
        if target is downloads:
            return True
        if inspect.isfunction(target) and target.__module__.startswith("webapp.") and _sends_files(target, seen):
            return True
    return False


def test_every_route_that_sends_a_file_is_fetched_over_http_above(app):
    sending = {endpoint for endpoint, view in app.view_functions.items() if _sends_files(view, set())}
    assert sending == {route.split(":")[0] for route in ROUTES}


def test_no_module_but_the_downloads_helper_names_a_file_for_download():
    words = ("Content-Disposition", "send_file", "download_name", "as_attachment")
    own = Path(downloads.__file__).resolve()
    offenders = [str(path.relative_to(ROOT)) for folder in ("webapp", "designer_export")
                 for path in (ROOT / folder).rglob("*.py")
                 if path.resolve() != own and any(word in path.read_text("utf-8") for word in words)]
    assert offenders == []
