"""Supervision (warning and overdue deadlines, engine/desk.py), statistics, and the case event feed."""
from __future__ import annotations

from flask_babel import gettext as _

from engine import api_queries, desk, events

from ..extensions import engine_db
from . import schemas
from .conventions import PAGE_QUERY, decode_cursor, encode_cursor, endpoint
from .problems import Problem

TAG = "监察与统计"
MAX_SEQ = 2 ** 63 - 1


@endpoint("预警与超期", tag=TAG, scope="supervision:read", responses={200: schemas.DEADLINE_LIST},
          query={**PAGE_QUERY,
                 "department": {"type": "string", "maxLength": 64,
                                "description": "部门编码；部门系统有多个部门时必填"},
                 "warning": {"type": "string", "enum": list(desk.WARNINGS), "description": "normal / yellow / red"},
                 "kind": {"type": "string", "enum": list(desk.KINDS), "description": "timer / step / case"}},
          description="等待中的时限（流程定时器、环节时限、承诺办结时限），最紧迫（超期最久）的在前。")
def deadlines(call):
    principal, query = call.principal, call.query
    department = query.get("department")
    if principal.client is not None:
        allowed = principal.client.departments
        if department is None and len(allowed) == 1:
            department = allowed[0]
        if department not in allowed:
            raise Problem(400, "invalid_input", errors={"department": [_("请指定本客户端的一个部门编码。")]})
    cursor = decode_cursor(query.get("cursor"), 1)
    number = cursor[0] if cursor and isinstance(cursor[0], int) and cursor[0] > 0 else 1
    f = desk.DeskFilter(department=department, warning=query.get("warning"), kind=query.get("kind"))
    with engine_db().read() as session:
        found = desk.overdue_timers(session, principal.user, f, page=number, page_size=query["limit"])
    if found.problems:
        raise Problem(400, "invalid_input", errors={k: [str(v)] for k, v in found.problems.items()})
    return {"items": [{"kind": row.kind, "due_at": row.due_at.isoformat(), "level": row.level,
                       "overdue": row.overdue, "case_no": row.case_no, "title": row.title, "item": row.item,
                       "step": row.step, "task_id": row.task_id, "handler": row.handler,
                       "department": row.department} for row in found.rows],
            "next_cursor": encode_cursor([number + 1]) if found.has_next else None}


@endpoint("办件统计", tag=TAG, scope="statistics:read", responses={200: schemas.STATISTICS},
          description="按部门和状态码统计的办件数（部门系统：本部门；监察人员：所监察部门）。")
def statistics(call):
    with engine_db().read() as session:
        return api_queries.statistics(session, call.principal.departments)


@endpoint("办件事件流", tag=TAG, scope="events:read", responses={200: schemas.EVENT_LIST},
          query={"after": {"type": "integer", "minimum": 0, "maximum": MAX_SEQ, "default": 0,
                           "description": "只返回序号大于它的事件；下一次用响应中的 next_after"},
                 "limit": PAGE_QUERY["limit"]},
          description="本部门办件的审计事件，按序号递增：办件编号、部门、经办人、状态码（非状态变化的事件为 null）、"
                      "意见、时间。序号只增不减，用 after 续读既不遗漏也不重复。")
def event_feed(call):
    query = call.query
    with engine_db().read() as session:
        items = events.events_after(session, call.principal.departments, query["after"], query["limit"])
    return {"items": items, "next_after": items[-1]["seq"] if items else query["after"]}
