"""Tasks: the open tasks of the caller's queues, claiming one, completing it with its form's data.

A department system acts as its technical user (engine.api_clients), so the engine's own rules (group
membership, the form's JSON Schema, fees, locking) apply unchanged and the audit trail names the client.
"""
from __future__ import annotations

from flask_babel import gettext as _

from engine import api_queries, cases, versions
from engine.errors import NotFound
from engine.permissions import api_may_view_task, inbox_scope

from ..extensions import engine_db
from . import schemas
from .conventions import PAGE_QUERY, check_if_match, decode_cursor, endpoint, page, with_etag
from .representations import task_detail, task_etag

TAG = "任务"


@endpoint("待办任务列表", tag=TAG, scope="tasks:read", query=PAGE_QUERY, responses={200: schemas.TASK_LIST},
          description="部门系统：本部门各岗位组的待办任务；工作人员：自己签收的和所在岗位组未签收的任务。")
def task_list(call):
    principal, query = call.principal, call.query
    after = decode_cursor(query.get("cursor"), 1)
    with engine_db().read() as session:
        if principal.client is not None:
            groups, people = api_queries.group_codes_of(session, principal.departments), [principal.user.id]
        else:
            people, groups = inbox_scope(session, principal.user)
        rows = api_queries.task_page(session, groups=groups, people=people, after_id=after[0] if after else None,
                                     limit=query["limit"] + 1)
        codes = api_queries.department_codes(session, [task.department_id for task in rows])
        items = [(task.id, task_detail(task, task.case, codes.get(task.department_id), None)) for task in rows]
    result = page(items, query["limit"], key=lambda last: [last[0]])
    result["items"] = [body for _id, body in result["items"]]
    return result


def _visible_task(session, principal, task_id: int):
    task = api_queries.task_with_case(session, task_id)
    if task is None or not api_may_view_task(session, principal.user, task, task.case, principal.client_departments):
        raise NotFound(_("任务不存在。"))
    return task


def _task_response(task_id: int, principal, status: int = 200):
    with engine_db().read() as session:
        task = _visible_task(session, principal, task_id)
        form = versions.content(session, task.case.item_version_id).form_schema(task.form_key)
        body = task_detail(task, task.case, api_queries.department_code(session, task.department_id), form)
        return with_etag(body, task_etag(task, task.case), status)


@endpoint("一个任务", tag=TAG, scope="tasks:read", etag=True, responses={200: schemas.TASK, 404: None},
          description="任务详情，含其表单的 JSON Schema（办理时 data 须符合它）。ETag 随任务和办件的变化而变。")
def task(call, task_id: int):
    return _task_response(task_id, call.principal)


def _current_etag(principal, task_id: int) -> str:
    with engine_db().read() as session:
        found = _visible_task(session, principal, task_id)
        return task_etag(found, found.case)


@endpoint("签收任务", tag=TAG, scope="tasks:write", idempotency_key="required", if_match=True, etag=True,
          responses={200: schemas.TASK, 404: None, 409: None},
          description="把岗位组的任务签收到自己名下。已被他人签收时返回 409 conflict。")
def claim(call, task_id: int):
    check_if_match(_current_etag(call.principal, task_id))
    cases.claim(engine_db(), task_id, call.principal.user)
    return _task_response(task_id, call.principal)


@endpoint("办理任务（提交表单）", tag=TAG, scope="tasks:write", idempotency_key="required", if_match=True, etag=True,
          body=schemas.COMPLETION, responses={200: schemas.TASK, 404: None, 409: None},
          description="按任务表单的 JSON Schema 校验后提交，流程随之推进。字段错误时 400 invalid_input，"
                      "errors 按字段列出；任务已办结或被他人抢先办理时 409 conflict。")
def complete(call, task_id: int):
    check_if_match(_current_etag(call.principal, task_id))
    cases.complete(engine_db(), task_id, call.principal.user, call.data["data"])
    return _task_response(task_id, call.principal)
