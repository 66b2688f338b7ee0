"""Cases: submit an application, look its status up with the query code, list and read cases.

Materials travel base64-encoded in the submission's JSON (webapp/api/materials.py, docs/api.md).
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from engine import api_queries, cases, idempotency, status as statuses, versions
from engine.errors import NotFound
from engine.permissions import AGENT, api_may_view_case

from .. import lookup_limit
from ..extensions import engine_db
from . import schemas
from .conventions import PAGE_QUERY, decode_cursor, endpoint, page, with_etag
from .materials import submitted_materials
from .problems import Problem
from .ratelimit import status_limit
from .representations import case_detail, case_etag, case_summary, iso

TAG = "办件"


def _submitted(case_no: str, query_code: str | None):
    """The answer to a submission (the query code is left out only when it is no longer known)."""
    body = {"case_no": case_no, "query_code": query_code, "status": int(statuses.CaseStatus.RECEIVED),
            "status_label": statuses.label(statuses.CaseStatus.RECEIVED)}
    if query_code is None:
        del body["query_code"]
    return body, 201, {"Location": url_for("api.case", case_no=case_no)}


def _rebuild_submission(owner: str, key: str, request_hash: str, outcome: dict | None):
    """A retry whose first answer was never stored (the process died after the commit) or was purged: the
    answer rebuilt from the case that carries the key, with the query code the key's row kept (24 hours)."""
    made = idempotency.case_made_with(engine_db(), owner, key)
    if made is None:
        return None
    if made.request_hash != request_hash:
        raise Problem(422, "idempotency_key_reused")
    outcome = outcome or {}
    return _submitted(made.case_no, outcome.get("query_code") if outcome.get("case_no") == made.case_no else None)


@endpoint("提交申请", tag=TAG, scope="cases:write", body=schemas.SUBMISSION, idempotency_key="required",
          responses={201: schemas.SUBMITTED, 404: None, 413: None}, rebuild=_rebuild_submission,
          description="按事项当前版本的申请表提交，生成办件（状态 1 已接件），返回办件编号和查询码。"
                      "部门系统只能提交本部门的事项，须填写 applicant；代办员也须填写；已登录的申请人本人提交时省略 applicant。"
                      "申请材料放在 materials 中（base64 编码），按内容识别类型；类型不被接受时 400 material_not_accepted，"
                      "文件过大时 413 too_large，errors 按材料（materials.<材料编号>）列出。"
                      "同一 Idempotency-Key 的重试总是得到同一个办件（24 小时后的重试不再含查询码）。")
def submit(call):
    principal, data = call.principal, call.data
    db = engine_db()
    applicant = data.get("applicant")
    if principal.client is not None:
        if applicant is None:
            raise Problem(400, "invalid_input", errors={"applicant": [_("部门系统代为提交时须填写申请人。")]})
        with db.read() as session:
            version_id = versions.current_version_id(session, data["item_code"])
            department = versions.content(session, version_id).department_id if version_id else None
        if department not in principal.departments:
            raise NotFound(_("事项不存在或不属于本部门。"))
        who = dict(applicant=None, applicant_name=applicant["name"], applicant_type=applicant["type"],
                   applicant_id_number=applicant.get("id_number"), channel="api", received_by=principal.user)
    elif AGENT in principal.user.role_names:
        if applicant is None:
            raise Problem(400, "invalid_input", errors={"applicant": [_("代办员提交时须填写申请人。")]})
        who = dict(applicant=None, applicant_name=applicant["name"], applicant_type=applicant["type"],
                   applicant_id_number=applicant.get("id_number"), agent=principal.user, channel="agent")
    else:
        who = dict(applicant=principal.user)
    with submitted_materials(principal.user, data.get("materials")) as files:
        submitted = cases.submit(db, data["item_code"], data["application"], materials=files,
                                 idempotency_key=call.idempotency_key, **who)
    return _submitted(submitted.case_no, submitted.query_code)


@endpoint("凭办件编号和查询码查询办件状态", tag=TAG, scope=None, body=schemas.STATUS_QUERY, idempotency_key="optional",
          limit=status_limit, responses={200: schemas.CASE_STATUS, 404: None},
          description="公开接口，无需令牌；按来源地址限流，且与门户、自助终端共用每个办件编号的查询码错误次数限制（默认 10 分钟 5 次，超出后 429）。用 POST 让查询码不出现在网址和日志里。"
                      "编号不存在与查询码不符的回答相同（404）。")
def status_lookup(call):
    case_no, code = lookup_limit.normalise(call.data["case_no"]), call.data["query_code"].strip().upper()
    try:
        lookup_limit.check(case_no)  # one count with the portal's status page and the kiosk
    except lookup_limit.LookupsRefused as refused:
        raise Problem(429, "rate_limited", headers={"Retry-After": str(refused.wait)}) from None
    with engine_db().read() as session:
        case = api_queries.case_by_query_code(session, case_no, code)
        if case is None:
            lookup_limit.record_failure(case_no)
            raise NotFound(_("办件编号与查询码不匹配。"))
        return {"case_no": case.case_no, "item": case.item.name, "status": case.status,
                "status_label": statuses.label(case.status), "received_at": iso(case.received_at),
                "accepted_at": iso(case.accepted_at), "concluded_at": iso(case.concluded_at),
                "promised_due_at": iso(case.promised_due_at)}


@endpoint("办件列表", tag=TAG, scope="cases:read", responses={200: schemas.CASE_LIST},
          query={**PAGE_QUERY, "status": {**schemas.STATUS_CODE, "description": "只列出该状态码的办件"}},
          description="部门系统：本部门的办件；工作人员：本部门（监察人员：所监察部门）的办件；申请人：自己的办件。"
                      "按受理顺序（内部键）分页，翻页用 next_cursor。")
def case_list(call):
    principal, query = call.principal, call.query
    after = decode_cursor(query.get("cursor"), 1)
    is_party = principal.client is None and principal.departments == []
    with engine_db().read() as session:
        rows = api_queries.case_page(session, departments=principal.departments,
                                     party=principal.user.id if is_party else None,
                                     after_id=after[0] if after else None, limit=query["limit"] + 1,
                                     status=query.get("status"))
        result = page([(row.id, case_summary(row)) for row in rows], query["limit"], key=lambda last: [last[0]])
    result["items"] = [summary for _id, summary in result["items"]]
    return result


@endpoint("一个办件", tag=TAG, scope="cases:read", etag=True, responses={200: schemas.CASE, 404: None},
          description="办件详情（含申请表和待办环节）。ETag 随办件的每次变化而变；If-None-Match 相同时返回 304。"
                      "不在您范围内的办件与不存在的办件一样返回 404。")
def case(call, case_no: str):
    principal = call.principal
    with engine_db().read() as session:
        found = api_queries.case_by_no(session, case_no[:32])
        if found is None or not api_may_view_case(session, principal.user, found, principal.client_departments):
            raise NotFound(_("办件不存在。"))
        body = case_detail(found, api_queries.open_tasks_of(session, found.id))
        return with_etag(body, case_etag(found))
