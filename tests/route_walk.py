"""The world the route walk (tests/test_every_route_scope.py) runs in: one database per module holding the
construction and land bureaus' cases and everything of theirs a URL can name, the outsiders' accounts, a
digest of every table, and the request each URL rule is sent with."""
from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine import (accounts, api_clients, cases, clock, definition, drafts, extensions, inquiries, materials,
                    saved_filters, special_procedures, substitution, supervision, urging, webhooks)
from engine.db import Database, make_engine
from engine.demo import DEMO_PASSWORD
from engine.models import (ApplicationDraft, Article, Base, Case, Department, Document, FeeCharge, HumanTask, Message,
                           SupervisionCard)
from engine.permissions import CLERK, REVIEWER, SECTION_HEAD, SUPERVISOR
from tests import helpers, material_files
from tests.webpage import form_pairs, login

# The people walking: nobody of the two bureaus, nobody who watches them.
OUTSIDERS = {
    "bj_supervisor": dict(roles=(SUPERVISOR,), department="bj_center"),
    "drc_reviewer": dict(roles=(REVIEWER,), department="dm_drc", groups=("dm_drc_reviewer",)),
    "drc_clerk": dict(roles=(CLERK,), department="dm_drc", groups=("dm_drc_window",)),
    "drc_head": dict(roles=(REVIEWER, SECTION_HEAD), department="dm_drc", groups=("dm_drc_head", "dm_drc_reviewer")),
}

TRACE = "越权巡检"  # in every text the walk's data carries, so a page that shows any of it is caught


# -- the world the walk runs in: one database for the module ------------------------------------------------

@pytest.fixture(scope="module")
def walk_db(module_database_url):
    database = Database(make_engine(module_database_url))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def walk_app(module_database_url, tmp_path_factory):
    from webapp import create_app

    application = create_app({
        "TESTING": True, "DATABASE_URL": module_database_url, "SECRET_KEY": "walk-secret",
        "ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("walk-data")), "WTF_CSRF_ENABLED": False,
        "ONEWINDOW_SCHEDULER": False,
    })
    yield application
    application.extensions["onewindow"].dispose()


def staff(db, username):
    from engine import demo

    return demo.user(db, username)


def accepted(db, case_id, clerk):
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, clerk, helpers.answer(db, task, decision="accept"))
    return helpers.only_open_task(db, case_id)


@pytest.fixture(scope="module")
def world(request, walk_app, walk_db):
    """The two bureaus' cases and everything of theirs a URL can name, and the outsiders' accounts; returns
    the value of every URL parameter and the texts no outsider may see. The lists of the test module's `OWN`
    are asked about the two bureaus by name."""
    db = walk_db
    with db.write() as session:
        for username, kwargs in OUTSIDERS.items():
            accounts.create_user(session, username, DEMO_PASSWORD, username, **kwargs)
    zhangsan, haiyun, clerk = staff(db, "zhangsan"), staff(db, "haiyun"), staff(db, "clerk")
    reviewer, head, county = staff(db, "reviewer"), staff(db, "head"), staff(db, "supervisor")
    uploads = Path(walk_app.config["ONEWINDOW_UPLOAD_DIR"])
    code = helpers.item_code(db, "construction_permit")
    required = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")
    files = {m: [materials.store(db, zhangsan, f"{m}.pdf", io.BytesIO(material_files.pdf()),
                                 uploads_dir=uploads).public_id] for m in required}

    # 张三's construction permit, accepted, its review claimed by the bureau's reviewer, with an extension
    # request, a special procedure, an urge and a yellow card.
    permit = cases.submit(db, code, helpers.application(db, code), zhangsan, materials=files,
                          enforce_required=True).case_id
    review = accepted(db, permit, clerk)
    cases.claim(db, review.id, reviewer)
    extension = extensions.request(db, permit, reviewer, f"{TRACE}：需征求相关部门意见")
    procedure = special_procedures.start(db, permit, reviewer, "hearing", f"{TRACE}：听证", 5)
    urge = urging.urge(db, review.id, county, f"{TRACE}：请尽快办理")
    with db.write() as session:
        supervision.on_case_level(session, session.get(Case, permit), "normal", "yellow", clock.now())
    # 海韵's permit waiting for pre-review (unclaimed), and its real-estate transfer (dm_land) with fees.
    waiting = cases.submit(db, code, helpers.application(db, code), haiyun).case_id
    land_code = helpers.item_code(db, "real_estate_transfer")
    transfer = cases.submit(db, land_code, helpers.application(db, land_code), haiyun).case_id
    transfer_task = accepted(db, transfer, clerk)
    complaint = inquiries.submit(db, "complaint", "陈志明", "13900001234", f"{TRACE}：窗口态度", "多次补交同一材料。",
                                 department_code="dm_construction")
    consultation = inquiries.submit(db, "consultation", "陈志明", "13900001234", f"{TRACE}：咨询", "过户要多久？",
                                    department_code="dm_land")
    drafts.save(db, zhangsan, code, helpers.application(db, code), materials=files)
    # 张三's second permit, sent back to him for a supplement: his own task.
    corrected = cases.submit(db, code, helpers.application(db, code), zhangsan).case_id
    pre_review = helpers.only_open_task(db, corrected)
    cases.complete(db, pre_review.id, clerk, helpers.answer(db, pre_review, decision="supplement",
                                                            supplement_fields=["builder.contact.mobile"],
                                                            opinion="手机号码有误"))
    definition.start_draft(db, staff(db, "admin"), code)  # the item's pages under /admin/items/<code>/draft
    filter_id = saved_filters.save(db, reviewer, f"{TRACE}红牌", {"warning": "red"})
    today = clock.local_now().date()
    substitute = substitution.name(db, reviewer, head.id, today.isoformat(), (today + timedelta(days=3)).isoformat(),
                                   TRACE)
    client = api_clients.create_client(db, f"{TRACE}住建局系统", ["dm_construction"], ["webhooks:manage"])
    hook = webhooks.subscribe(db, client.client_id, "https://example.org/hook", ["*"], "s" * 32).id
    with db.read() as session:  # a ticket fee (拉票), which the ticket page settles in batches
        fee = session.scalar(select(FeeCharge.id).where(FeeCharge.case_id == transfer, FeeCharge.payment == "ticket"))
    with db.read() as session:
        numbers = list(session.scalars(select(Case.case_no).where(Case.id.in_((permit, waiting, transfer, corrected)))))
        document = session.scalar(select(Document).where(Document.case_id == permit))
        card = session.scalar(select(SupervisionCard.id).where(SupervisionCard.case_id == permit))
        message = session.scalar(select(Message.id).where(Message.user_id == zhangsan.id).order_by(Message.id))
        draft = session.scalar(select(ApplicationDraft.id).where(ApplicationDraft.user_id == zhangsan.id))
        construction = session.scalar(select(Department.id).where(Department.code == "dm_construction"))
        article = session.scalar(select(Article.id).order_by(Article.id))
        case_no = session.get(Case, permit).case_no
        form_key = session.get(HumanTask, review.id).form_key
    assert fee is not None and card is not None and document is not None
    values = {
        "case_id": permit, "case_no": case_no, "task_id": review.id, "document_id": document.id,
        "file_id": files["contract"][0], "fee_id": fee, "procedure_id": procedure, "extension_id": extension,
        "urge_id": urge, "card_id": card, "reference": complaint, "message_id": message, "draft_id": draft,
        "filter_id": filter_id, "substitution_id": substitute, "subscription_id": hook, "article_id": article,
        "user_id": reviewer.id, "code": code, "version_no": 1, "key": form_key, "which": "blank_form",
        "colour": "yellow", "fmt": "csv", "filename": "app.css",
    }
    # Rules whose parameters mean something else, or another case of the world, than their name says.
    per_endpoint = {
        "workbench.claim": {"task_id": helpers.only_open_task(db, waiting).id},
        "workbench.record_payment": {"task_id": transfer_task.id},
        "workbench.waive_fee": {"task_id": transfer_task.id},
        "workbench.answer_inquiry": {"reference": consultation},
        "api.claim": {"task_id": helpers.only_open_task(db, waiting).id},
        "applicant.task": {"task_id": helpers.only_open_task(db, corrected).id},
    }
    # The development and reform bureau's own case: its task and case ids in front of the bureaus' second ids
    # (a fee, a special procedure, a file of theirs) must not open those.
    drc_code = helpers.item_code(db, "enterprise_investment_approval")
    own = cases.submit(db, drc_code, helpers.application(db, drc_code), haiyun).case_id
    own_task = helpers.only_open_task(db, own).id
    behind_own = {"workbench.end_special_procedure": {"task_id": own_task},
                  "workbench.record_payment": {"task_id": own_task}, "workbench.waive_fee": {"task_id": own_task},
                  "materials.case_file": {"case_id": own}, "supervision.urge": {"case_id": own}}
    traces = numbers + [complaint, consultation, TRACE, document.number]
    # The lists are asked about the two bureaus by name, as a curious outsider would.
    narrowed = f"?view=open&department=dm_construction&dimension=department&metric=received&key={construction}"
    queries = {"admin.compare": "?a=1&b=1", **{endpoint: narrowed for endpoint in request.module.OWN}}
    return dict(values=values, per_endpoint=per_endpoint, queries=queries, traces=traces, token=client.token,
                forms=forms_of(db, review, fee, code), behind_own=behind_own)


# -- what each request carries ----------------------------------------------------------------------------

def forms_of(db, review, fee: int, code: str) -> dict[str, dict]:
    """A well-formed body for each rule's POST, so that only the permission can refuse it."""
    reviewer = staff(db, "reviewer")
    return {
        "workbench.complete": helpers.answer(db, review),
        "workbench.start_special_procedure": {"kind": "hearing", "reason": "听证", "limit_days": "5"},
        "workbench.end_special_procedure": {"result": "听证结束"},
        "workbench.request_extension": {"reason": "需要延期办理"},
        "workbench.add_reviewer": {"group": "dm_drc_reviewer"},
        "workbench.record_payment": {"receipt_no": "PJ0001"},
        "workbench.waive_fee": {"reason": "困难群众减免"},
        "workbench.settle_tickets": [("fee_ids", str(fee)), ("receipt_no", "LP0001")],
        "workbench.decide_extension": {"decision": "approve", "opinion": "同意"},
        "supervision.decide_extension": {"decision": "approve", "opinion": "同意"},
        "workbench.answer_inquiry": {"answer": "一般需要五个工作日。", "public": "on"},
        "workbench.assign_complaint": {"handler": str(reviewer.id), "note": "请核实"},
        "supervision.assign_complaint": {"handler": str(reviewer.id), "note": "请核实"},
        "workbench.advance_complaint": {"status": "investigating", "note": "已核实"},
        "supervision.advance_complaint": {"status": "investigating", "note": "已核实"},
        "workbench.answer_urge": {"answer": "正在办理"},
        "supervision.urge": {"message": "请尽快办理"},
        "api.complete": {"data": helpers.answer(db, review)},
        "api.submit": {"item_code": code, "application": helpers.application(db, code)},
    }


def fill(rule, values: dict) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"no value for {sorted(missing)} of {rule.rule}"
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


# -- what may not change -----------------------------------------------------------------------------------

UNWATCHED = {
    "idempotency_record": "the API keeps its answer to a keyed POST, refusals too, for the caller's retries",
}
# Content-addressed rows: their hash columns stand for the (large) content.
DIGESTED = {"process_spec": ("hash",), "item_version": ("id", "item_id", "version_no", "content_hash", "spec_hash")}


def snapshot(db) -> dict[str, str]:
    """A digest of every table's rows (the ones above aside), read raw: the walk takes one after each request.
    On PostgreSQL the server digests every table in one round trip (45 of them cost 40 ms otherwise)."""
    selects = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in UNWATCHED:
            columns = ", ".join(f'"{name}"' for name in DIGESTED.get(table.name, [c.name for c in table.columns]))
            order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            selects[table.name] = f'SELECT {columns} FROM "{table.name}" ORDER BY {order}'
    with db.read() as session:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            query = " UNION ALL ".join(f"SELECT '{name}', (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY "
                                       f"t::text), '')) FROM ({select}) t)" for name, select in selects.items())
            return dict(connection.exec_driver_sql(query).fetchall())
        return {name: hashlib.sha256(repr(connection.exec_driver_sql(select).fetchall()).encode()).hexdigest()
                for name, select in selects.items()}


class Commits:
    """Has anything been committed since the last look? SQLite's `data_version` as a connection of our own sees
    it, PostgreSQL's next transaction id (only a writing transaction takes one, on the whole server, so other
    databases' writes count too). Cheap: the walk digests the tables only when it moved."""

    def __init__(self, db):
        self.url = db.engine.url
        if self.url.get_backend_name() == "sqlite":
            self.connection = sqlite3.connect(self.url.database)
            self.query = "PRAGMA data_version"
        else:
            self.connection = db.engine.raw_connection()
            self.query = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text"
        self.last = self._look()

    def _look(self):
        cursor = self.connection.cursor()
        cursor.execute(self.query)
        value = cursor.fetchone()[0]
        self.connection.rollback()
        return value

    def moved(self) -> bool:
        now = self._look()
        moved, self.last = now != self.last, now
        return moved

    def close(self):
        self.connection.close()


# -- the walk ------------------------------------------------------------------------------------------------

def requests_of(app) -> list[tuple[str, object, str]]:
    """(endpoint, rule, method) of every rule of the URL map, and of every operation of the OpenAPI document
    (matched to its rule: the same request is sent once)."""
    walked = {(rule.endpoint, method): rule for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
              for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    adapter = app.url_map.bind("localhost")
    by_endpoint = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for path, operations in document["paths"].items():
        for method in operations:
            endpoint, _args = adapter.match(re.sub(r"\{\w+\}", "1", path), method=method.upper())
            walked.setdefault((endpoint, method.upper()), by_endpoint[endpoint])
    return [(endpoint, rule, method) for (endpoint, method), rule in walked.items()]


def send(client, world, endpoint, rule, method, ids: dict | None = None):
    """The rule's request with the world's ids (or `ids` instead), its query and a well-formed body."""
    values = {**world["values"], **world["per_endpoint"].get(endpoint, {}), **(ids or {})}
    url = fill(rule, values) + world["queries"].get(endpoint, "")
    body = world["forms"].get(endpoint, {})
    if endpoint.startswith("api."):  # keyed and unconditional: only the caller's scope can refuse it
        headers = {"Idempotency-Key": uuid.uuid4().hex, "If-Match": "*", "Accept": "application/json"}
        return client.open(url, method=method, headers=headers, json=body if method != "GET" and body else None)
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data=MultiDict(body if isinstance(body, list) else form_pairs(body)))


@pytest.fixture(scope="module")
def signed_in(walk_app, world):
    """A signed-in test client per person, made once for the module (signing in costs a password hash)."""
    clients = {}

    def client_of(username: str):
        if username not in clients:
            clients[username] = walk_app.test_client()
            if username == "token":  # the construction bureau's system
                clients[username].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world['token']}"
            else:
                assert login(clients[username], username).status_code == 302
        return clients[username]
    return client_of
