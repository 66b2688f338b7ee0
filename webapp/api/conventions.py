"""The API's conventions, implemented once: every view is declared with `@endpoint(...)`, which

- checks the caller and the scope (webapp/api/auth.py), CSRF for session writes;
- parses and validates the query and the JSON body against the JSON Schemas it declares (400 problem
  `invalid_input` with messages per field) and hands them to the view as `call.query` / `call.data`;
- makes every POST idempotent with the `Idempotency-Key` header (engine/idempotency.py), with the answer a
  view `rebuild`s from what it committed when the first answer was never stored (lease over) or was purged;
- applies the caller's rate limit (webapp/api/ratelimit.py);
- carries the summary, parameters, schemas and documented statuses the OpenAPI document is built from
  (webapp/api/openapi.py), so the document cannot drift from the code.

Also here: opaque cursors for pagination, and ETags (`If-None-Match` on GET, `If-Match` on updates).
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps
from typing import Callable

from flask import current_app, make_response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine import formdata, idempotency, jsontext
from engine.errors import InvalidInput, OneWindowError

from ..extensions import engine_db
from .auth import Principal, current_principal, require
from .problems import Problem, from_exception
from .ratelimit import default_limit, limiter

MAX_LIMIT, DEFAULT_LIMIT = 100, 20
REPLAY_WAIT_SECONDS = 5.0
STORED_HEADERS = ("Location", "ETag", "Content-Type")


@dataclass
class Call:
    """What a view gets: the caller, the validated query and body."""

    principal: Principal | None
    query: dict
    data: dict | None
    idempotency_key: idempotency.Request | None = None  # the POST's key, for an action that records it itself


@dataclass
class Spec:
    """The OpenAPI description of one view (see openapi.py)."""

    summary: str
    tag: str
    scope: str | None
    query: dict = field(default_factory=dict)      # name -> JSON Schema (with "description", "required")
    body: dict | None = None                        # JSON Schema of the request body
    responses: dict = field(default_factory=dict)  # status -> JSON Schema of the body (None: no body)
    description: str = ""
    idempotency: str | None = None                  # "required" / "optional" on POSTs
    etag: bool = False
    if_match: bool = False
    # rebuild(owner, key, request_hash, outcome) -> the view's answer rebuilt from what a first request with this
    # key committed, or None when it committed nothing; for retries whose first answer was never stored.
    rebuild: Callable | None = None


PAGE_QUERY = {
    "cursor": {"type": "string", "maxLength": 500, "description": "上一页响应中的 next_cursor（不透明）。"},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT,
              "description": f"每页条数，1–{MAX_LIMIT}。"},
}


def endpoint(summary: str, *, tag: str, scope: str | None, query: dict | None = None, body: dict | None = None,
             responses: dict, description: str = "", idempotency_key: str | None = None, etag: bool = False,
             if_match: bool = False, limit: Callable[[], str] = default_limit, rebuild: Callable | None = None):
    """Declare an API view; see the module docstring."""
    spec = Spec(summary, tag, scope, dict(query or {}), body, dict(responses), description, idempotency_key, etag,
                if_match, rebuild)

    def decorate(view):
        @wraps(view)
        def wrapped(**path):
            principal = require(scope)
            call = Call(principal, _parse_query(spec.query), _parse_body(spec.body) if spec.body else None)
            if request.method == "POST" and spec.idempotency:
                return _idempotent(spec, principal, call, lambda: view(call, **path))
            return view(call, **path)

        wrapped.api_spec = spec
        return limiter.limit(limit)(wrapped)
    return decorate


# Query and body ---------------------------------------------------------------------------------------------

def _coerce(value: str, schema: dict):
    kind = schema.get("type")
    if kind == "integer":
        try:
            return int(value)
        except ValueError:
            return value  # the schema check reports it
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower(), value)
    return value


def _parse_query(params: dict) -> dict:
    values, schema = {}, {"type": "object", "properties": {}, "required": []}
    for name, param in params.items():
        param = dict(param)
        required = param.pop("required", False)
        param.pop("description", None)
        schema["properties"][name] = {**param, "title": name}
        if required:
            schema["required"].append(name)
        raw = request.args.get(name)
        if raw is not None and raw != "":
            values[name] = _coerce(raw, param)
    try:
        formdata.validate(schema, values, "查询参数")
    except InvalidInput as exc:
        raise Problem(400, "invalid_input", exc.message, exc.errors) from exc
    for name, param in params.items():
        if name not in values and "default" in param:
            values[name] = param["default"]
    return values


def _parse_body(schema: dict) -> dict:
    if not request.mimetype or request.mimetype != "application/json":
        raise Problem(415, "unsupported_media_type")
    try:
        data = jsontext.loads(request.get_data(cache=True))
    except jsontext.UnreadableJSON as exc:  # too deep, not UTF-8, a lone surrogate, not JSON at all
        raise Problem(400, "invalid_json", exc.message, exc.errors) from exc
    if _holds_nul(data):  # no database column takes U+0000 (PostgreSQL refuses it in text and jsonb)
        message = _("请求体的文字中不能含有空字符（U+0000）。")
        raise Problem(400, "invalid_input", message, {"body": [message]})
    try:
        return formdata.validate(schema, data, "请求体")
    except InvalidInput as exc:
        raise Problem(400, "invalid_input", exc.message, exc.errors) from exc


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


# Pagination -----------------------------------------------------------------------------------------------

def encode_cursor(values: list[int]) -> str:
    """An opaque cursor holding the last row's sort key (non-negative integers)."""
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Problem(400, "invalid_cursor") from exc
    if not isinstance(values, list) or len(values) != arity or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2 ** 63 for v in values):
        raise Problem(400, "invalid_cursor")
    return values


def page(items: list, limit: int, key: Callable) -> dict:
    """The page body: `items` (fetched with limit + 1 rows) cut to `limit`, with the cursor of the last row."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(key(items[-1])) if more else None}


# ETags ----------------------------------------------------------------------------------------------------

def _tags(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def with_etag(body: dict, etag: str, status: int = 200):
    """A JSON response with its ETag; a GET whose If-None-Match names it is 304."""
    quoted = f'"{etag}"'
    wanted = request.headers.get("If-None-Match")
    if request.method == "GET" and wanted and (quoted in _tags(wanted) or wanted.strip() == "*"):
        response = make_response("", 304)
    else:
        response = make_response(body, status)
    response.headers["ETag"] = quoted
    return response


def check_if_match(etag: str) -> None:
    """An update's `If-Match` must name the current ETag (412 problem `precondition_failed` otherwise)."""
    wanted = request.headers.get("If-Match")
    if wanted is None or wanted.strip() == "*":
        return
    if f'"{etag}"' not in _tags(wanted):
        raise Problem(412, "precondition_failed")


# Idempotency ----------------------------------------------------------------------------------------------

def _idempotent(spec: Spec, principal: Principal | None, call: Call, run: Callable):
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        if spec.idempotency == "required":
            raise Problem(400, "idempotency_key_missing")
        return run()
    if len(key) > 200:
        raise Problem(400, "invalid_input", errors={"Idempotency-Key": [_("Idempotency-Key 最长 200 个字符。")]},
                      detail=_("Idempotency-Key 过长。"))
    owner = principal.owner if principal is not None else f"ip:{request.remote_addr}"
    fingerprint = idempotency.request_hash(request.get_data(), request.query_string.decode("latin-1"))
    db = engine_db()
    pending = idempotency.Request(owner, key, request.method, request.path, fingerprint)
    found = idempotency.find(db, owner, key, request.method, request.path)
    if found is not None:
        return _replay(db, spec, found, pending)
    call.idempotency_key = pending
    try:
        with idempotency.guard(pending):
            response = _respond(run)
    except idempotency.Replay:  # a concurrent duplicate committed first, or (a case) the key was used before
        return _replay(db, spec, idempotency.find(db, owner, key, request.method, request.path), pending)
    if response.status_code >= 400 and not pending.inserted:
        # Refused because a concurrent duplicate already acted (the task it completed is no longer open):
        # the answer to this request is that duplicate's.
        found = idempotency.find(db, owner, key, request.method, request.path)
        if found is not None:
            return _replay(db, spec, found, pending)
    _keep(db, pending, response)
    return response


def _keep(db, pending: idempotency.Request, response) -> None:
    if response.status_code < 500 and response.status_code not in (409, 429):
        body = response.get_json(silent=True)
        headers = {name: response.headers[name] for name in STORED_HEADERS if name in response.headers}
        idempotency.store_response(db, pending, response.status_code, body, headers)


def _respond(run: Callable):
    """The view's response, its errors turned into problem responses here, so they can be stored."""
    try:
        return make_response(run())
    except Problem as exc:
        return make_response(from_exception(exc))
    except idempotency.Replay:
        raise
    except OneWindowError as exc:
        from ..errors import _engine_error

        return make_response(_engine_error(exc))
    except HTTPException as exc:
        return make_response(current_app.handle_http_exception(exc))


def _replay(db, spec: Spec, found, pending: idempotency.Request):
    """The answer to a retry: the stored response; while the first request's lease runs, a short wait for it
    (then 409 `idempotency_in_progress`); after the lease, or when the key's row was purged, the answer the
    endpoint rebuilds from what the first request committed."""
    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        if found is not None and found.request_hash != pending.request_hash:
            raise Problem(422, "idempotency_key_reused")
        if found is not None and found.status_code is not None:
            stored = found.response or {}
            response = make_response(stored.get("body") if stored.get("body") is not None else "", found.status_code)
            response.headers.update(stored.get("headers") or {})
            response.headers["Idempotent-Replayed"] = "true"
            return response
        left = idempotency.lease_left(found) if found is not None else None
        if spec.rebuild is not None and (found is None or left <= timedelta(0)):
            rebuilt = _rebuild(db, spec, found, pending)
            if rebuilt is not None:
                return rebuilt
        if time.monotonic() > deadline:
            wait = max(1, math.ceil(left.total_seconds())) if left is not None and left > timedelta(0) else 1
            raise Problem(409, "idempotency_in_progress", headers={"Retry-After": str(wait)})
        time.sleep(0.05)
        found = idempotency.find(db, pending.owner, pending.key, pending.method, pending.path)


def _rebuild(db, spec: Spec, found, pending: idempotency.Request):
    """The endpoint's rebuilt answer (kept as the key's response, like a first answer), or None."""
    outcome = (found.response or {}).get("outcome") if found is not None else None
    answer = spec.rebuild(pending.owner, pending.key, pending.request_hash, outcome)
    if answer is None:
        return None
    response = make_response(answer)
    _keep(db, pending, response)
    response.headers["Idempotent-Replayed"] = "true"
    return response


__all__ = ["Call", "PAGE_QUERY", "check_if_match", "current_principal", "decode_cursor", "encode_cursor",
           "endpoint", "page", "with_etag"]
