"""The OpenAPI 3.1 document, built from the app's URL map and each view's `@endpoint` declaration.

Why not a library (apispec, flask-smorest): our views already declare JSON Schemas (2020-12, the dialect
OpenAPI 3.1 uses) that validate the requests at run time; the document is a walk over `app.url_map`
copying them, about a hundred lines. A route without a declaration fails the build, so every route
of /api/v1 is documented (tests/test_api_openapi.py checks it against the URL map).
"""
from __future__ import annotations

import re

from flask import Flask

from .problems import CODES, SCHEMA as PROBLEM_SCHEMA

SCOPE_DESCRIPTIONS = {
    "items:read": "读取事项目录与办事指南", "cases:read": "读取本部门办件", "cases:write": "提交申请",
    "tasks:read": "读取本部门待办任务", "tasks:write": "签收、办理任务", "supervision:read": "读取预警、超期办件",
    "statistics:read": "读取办件统计", "events:read": "读取办件事件流", "webhooks:manage": "管理事件推送订阅",
}
STATUS_TEXT = {200: "成功", 201: "已创建", 204: "已删除", 304: "未修改（ETag 相同）", 400: "请求无效", 401: "未认证",
               403: "无权访问", 404: "不存在或不在您的范围内", 409: "冲突", 412: "ETag 不符", 415: "媒体类型不支持",
               422: "Idempotency-Key 被用于不同的请求，或流程运行出错（workflow_fault，操作未保存）", 429: "请求过于频繁"}
MAX_ID = 2147483647  # ids in URLs are routed as <int(max=MAX_ID):...>: larger ones are 404, not a database error
_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


class Undocumented(Exception):
    """An /api/v1 route without an `@endpoint` declaration."""


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def swap(match):
        converter, name = match.group(1) or "string", match.group(2)
        params.append({"name": name, "in": "path", "required": True,
                       "schema": ({"type": "integer", "minimum": 0, "maximum": MAX_ID} if converter == "int"
                                  else {"type": "string", "minLength": 1})})
        return "{" + name + "}"
    return _CONVERTER.sub(swap, rule), params


def _problem(status: int) -> dict:
    return {"description": STATUS_TEXT.get(status, "错误"),
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _operation(spec, method: str, path_params: list[dict]) -> dict:
    parameters = list(path_params)
    for name, schema in spec.query.items():
        schema = dict(schema)
        required = schema.pop("required", False)
        description = schema.pop("description", "")
        parameters.append({"name": name, "in": "query", "required": required, "description": description,
                           "schema": schema})
    if method == "POST" and spec.idempotency:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": spec.idempotency == "required",
                           "description": "客户端生成的唯一键（如 UUID）；重试时使用同一个键，保证只执行一次。",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200}})
    if spec.if_match:
        parameters.append({"name": "If-Match", "in": "header", "required": False,
                           "description": "资源的 ETag；与当前值不符时返回 412。", "schema": {"type": "string"}})
    responses = {}
    for status, schema in sorted(spec.responses.items()):
        if status >= 400:
            responses[str(status)] = _problem(status)
        elif schema is None:
            responses[str(status)] = {"description": STATUS_TEXT.get(status, "")}
        elif isinstance(schema, str):  # a media type other than JSON (the HTML reference page)
            responses[str(status)] = {"description": STATUS_TEXT.get(status, ""),
                                      "content": {schema: {"schema": {"type": "string"}}}}
        else:
            response = {"description": STATUS_TEXT.get(status, ""), "content": {"application/json": {"schema": schema}}}
            if spec.etag:
                response["headers"] = {"ETag": {"schema": {"type": "string"}, "description": "资源版本"}}
            responses[str(status)] = response
    for status in (429,):
        responses.setdefault(str(status), _problem(status))
        responses[str(status)]["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                             "description": "需等待的秒数"}}
    if spec.scope is not None:
        responses.setdefault("401", _problem(401))
        responses.setdefault("403", _problem(403))
    if spec.query or spec.body or (method == "POST" and spec.idempotency == "required"):
        responses.setdefault("400", _problem(400))
    if spec.body:
        responses.setdefault("415", _problem(415))
    if method == "POST" and spec.idempotency:
        responses.setdefault("409", _problem(409))
        responses.setdefault("422", _problem(422))
    if spec.etag and method == "GET":
        responses.setdefault("304", {"description": STATUS_TEXT[304]})
    if spec.if_match:
        responses.setdefault("412", _problem(412))
    operation = {"summary": spec.summary, "tags": [spec.tag], "operationId": None, "parameters": parameters,
                 "responses": responses}
    if spec.description:
        operation["description"] = spec.description
    if spec.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": spec.body}}}
    operation["security"] = [] if spec.scope is None else [{"bearerToken": [spec.scope]}, {"session": []}]
    return operation


def build(app: Flask) -> dict:
    """The OpenAPI 3.1 document of every /api/v1 route."""
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "api_spec", None)
        if spec is None:
            raise Undocumented(rule.rule)
        path, path_params = _path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = _operation(spec, method, path_params)
            operation["operationId"] = f"{rule.endpoint.removeprefix('api.')}_{method.lower()}"
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "一窗通 OneWindow 开放接口", "version": "1.0.0",
                 "description": "供部门业务系统对接的 REST 接口：事项、办件、任务、监察、统计、事件与推送。"
                                "约定（认证、错误、分页、幂等、ETag、限流）见 /api/v1/docs。"},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {"Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "部门系统的访问令牌（onewindow api-client create 生成）。权限范围："
                                               + "；".join(f"{k} {v}" for k, v in SCOPE_DESCRIPTIONS.items())},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "已登录用户的浏览器会话；写请求须带 X-CSRFToken 请求头。"},
            },
        },
        "x-problem-codes": {code: str(text) for code, text in CODES.items()},
    }
