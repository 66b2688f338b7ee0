"""Errors of the API as RFC 9457 problem details (`application/problem+json`), each with a stable `code`.

`type` points at the code's entry in the reference page (/api/v1/docs#problem-<code>); `title` is the
Chinese title of the status, `detail` the message for this occurrence, `errors` the messages per field
of invalid input. Department systems should branch on `code`, never on the wording.
"""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l

PROBLEM_TYPE = "application/problem+json"

# Stable codes: documented in the OpenAPI document and the reference page. Never rename one.
CODES = {
    "invalid_input": _l("请求内容无效（字段错误见 errors）。"),
    "invalid_json": _l("请求体不是有效的 JSON。"),
    "invalid_cursor": _l("分页游标无效。"),
    "unauthorized": _l("未认证：缺少或无效的访问令牌。"),
    "forbidden": _l("无权执行该操作（令牌的权限范围或账号角色不允许）。"),
    "csrf_failed": _l("浏览器会话的写请求缺少有效的 X-CSRFToken 请求头。"),
    "not_found": _l("资源不存在，或不在您的部门范围内。"),
    "method_not_allowed": _l("不支持该请求方式。"),
    "conflict": _l("与他人的操作冲突，请刷新后重试。"),
    "invalid_state": _l("办件或任务的当前状态不允许该操作。"),
    "idempotency_key_missing": _l("POST 请求须带 Idempotency-Key 请求头。"),
    "idempotency_key_reused": _l("同一个 Idempotency-Key 已用于内容不同的请求。"),
    "idempotency_in_progress": _l("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
    "precondition_failed": _l("If-Match 与资源当前的 ETag 不符：资源已被修改。"),
    "too_large": _l("请求体或其中的文件过大。"),
    "material_not_accepted": _l("申请材料的文件被拒收（内容不是 PDF、JPEG、PNG 或 OFD，或为空文件）；errors 按材料列出。"),
    "unsupported_media_type": _l("请求体须为 application/json。"),
    "rate_limited": _l("请求过于频繁，请按 Retry-After 等待后重试。"),
    "workflow_fault": _l("流程运行出错，已通知管理人员。"),
    "internal_error": _l("系统错误，请稍后重试。"),
}
STATUS_CODES = {400: "invalid_input", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 412: "precondition_failed", 413: "too_large",
                415: "unsupported_media_type", 422: "idempotency_key_reused", 429: "rate_limited"}
TITLES = {400: _l("请求无效"), 401: _l("未认证"), 403: _l("无权访问"), 404: _l("资源不存在"), 405: _l("不支持该请求方式"),
          409: _l("操作冲突"), 412: _l("前提条件不满足"), 413: _l("请求体过大"), 415: _l("不支持的媒体类型"),
          422: _l("无法处理的请求"), 429: _l("请求过于频繁"), 500: _l("系统错误")}


class Problem(Exception):
    """Raised by API code to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str | None = None, errors: dict | None = None,
                 headers: dict | None = None):
        super().__init__(detail or code)
        self.status, self.code, self.detail, self.errors, self.headers = status, code, detail, errors, headers


def code_for(status: int) -> str:
    return STATUS_CODES.get(status, "internal_error" if status >= 500 else "invalid_input")


def problem(status: int, code: str | None = None, detail: str | None = None, errors: dict | None = None,
            headers: dict | None = None):
    """The response tuple for a problem."""
    code = code or code_for(status)
    title = TITLES.get(status, TITLES[500 if status >= 500 else 400])
    body = {"type": f"/api/v1/docs#problem-{code}", "title": str(title),
            "status": status, "detail": str(detail or CODES.get(code, "")), "code": code}
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    response = jsonify(body)
    response.mimetype = PROBLEM_TYPE
    return response, status, headers or {}


def from_exception(exc: Problem):
    return problem(exc.status, exc.code, exc.detail, exc.errors, exc.headers)


# The JSON Schema of a problem document, for the OpenAPI document.
SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "code": {"type": "string", "enum": sorted(CODES)},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
