"""Errors become Chinese pages (or JSON under /api), never tracebacks.

Engine exceptions map to HTTP statuses here, so views can let them propagate; a view with a form
catches InvalidInput itself to re-render the form with the messages next to the fields.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.errors import (Conflict, Forbidden, InvalidInput, InvalidState, NotFound, OneWindowError,
                           WorkflowFault)

# A diagram fault is 422, not 500: the platform is fine, the item's published diagram cannot handle this
# case; the action was rolled back whole and a retry would fail the same way.
ENGINE_STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, InvalidState: 409, InvalidInput: 400,
                 WorkflowFault: 422}

TITLES = {
    400: _l("请求无效"), 401: _l("登录已过期"), 403: _l("无权访问"), 404: _l("页面不存在"), 405: _l("不支持该请求方式"),
    409: _l("操作冲突"), 422: _l("流程无法继续"), 413: _l("提交的内容过大"), 429: _l("请求过于频繁"), 500: _l("系统错误"),
}
MESSAGES = {
    400: _l("提交的请求无效，请返回上一页检查后重试。"),
    403: _l("您没有访问该页面的权限。"),
    404: _l("您要找的页面不存在，或已被删除。"),
    405: _l("该页面不支持这种请求方式。"),
    409: _l("该办件已被他人处理，请刷新后重试。"),
    422: _l("该事项的流程运行出错，本次操作没有保存。请联系政务服务中心。"),
    413: _l("提交的内容超过了大小限制（32 MB），请压缩或分批提交。"),
    429: _l("操作过于频繁，请稍后再试。"),
    500: _l("系统出现错误，请稍后重试。如问题持续，请联系政务服务中心。"),
}
CSRF_MESSAGE = _l("页面已过期或请求来源无效，请刷新页面后重新提交。")
STALE_MESSAGE = _l("页面已过期（您可能在别处重新登录过），请回到原页面刷新后重新提交。")
KEPT_LOCALLY = _l("已填写的内容已保存在本机，回到原页面会自动恢复。")
KEPT_FIELD = "_kept_locally"  # autosave.js adds it to a form whose fields it kept in this browser on submit
FALLBACK_PAGE = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>系统错误</title>'
                 '<h1>系统错误</h1><p>系统出现错误，请稍后重试。如问题持续，请联系政务服务中心。</p></html>')


def render_error(status: int, message: str | None = None, errors: dict | None = None, headers=None,
                 code: str | None = None, links: dict | None = None):
    """An error page (or a problem+json document for the API) with a Chinese title and message."""
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    # An unmatched /api/... URL has no blueprint, yet its caller still expects JSON.
    if request.blueprint == "api" or request.path.startswith("/api/"):
        from .api.problems import problem

        return problem(status, code, message, errors, headers)
    text = str(message or MESSAGES.get(status, title))
    response = render_template("errors/error.html", status=status, title=title, message=text, errors=errors or {},
                               links=links or {})
    return response, status, headers or {}


def _engine_error(exc: OneWindowError):
    status = next((code for cls, code in ENGINE_STATUS.items() if isinstance(exc, cls)), 500)
    return render_error(status, exc.message, getattr(exc, "errors", None), code=exc.code)


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc  # routing redirects are not errors
    headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else None
    if isinstance(exc, CSRFError):
        return _csrf_refused()
    headers = {**(headers or {}), **dict(getattr(exc, "headers", None) or {})} or None  # Retry-After (429)
    return render_error(exc.code, None, headers=headers)


def _csrf_refused():
    """A refused CSRF token. Behind a login it means the session ended (or was renewed in another tab):
    say that, keep the way back to the page, and tell a script apart from a page (autosave)."""
    from .access import SESSION_EXPIRED, wants_json

    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "signs_in", False):
        return render_error(400, CSRF_MESSAGE, code="csrf_failed")
    expired = not current_user.is_authenticated
    code, status = ("session_expired", 401) if expired else ("csrf_failed", 400)
    message = SESSION_EXPIRED if expired else STALE_MESSAGE
    if wants_json():
        return jsonify(code=code, error=str(message)), status
    back = _page_to_return_to()
    links = {"back-to-page": back} if back and not expired else {}
    if expired:
        links["relogin-link"] = url_for("auth.login", next=back) if back else url_for("auth.login")
    if request.form.get(KEPT_FIELD):
        message = f"{message}{KEPT_LOCALLY}"
    return render_error(status, message, code=code, links=links)


def _page_to_return_to() -> str | None:
    """The page the refused form was on: this URL when it also answers GET, else the referring page here."""
    rule = request.url_rule
    if rule is not None and "GET" in (rule.methods or ()):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def _internal_error(exc: InternalServerError):
    # Flask has already logged the original exception with its traceback; the user sees a plain page.
    try:
        return render_error(500)
    except Exception:  # the page itself failed (the database is down): a page that needs nothing
        current_app.logger.exception("error page failed")
        return FALLBACK_PAGE, 500, {"Content-Type": "text/html; charset=utf-8"}


def register(app: Flask) -> None:
    app.register_error_handler(OneWindowError, _engine_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _internal_error)
