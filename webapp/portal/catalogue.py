"""The catalogue pages: home (most requested, search, browse), an item's guide, its diagram and files, and
the result publication."""
from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from engine import content, guide_files, results

from .. import downloads
from ..extensions import db
from ..params import page_arg
from . import labels, queries

MAX_CODE_LENGTH = 64
MAX_ARG_LENGTH = 100


def home():
    filters, notices = _filters()
    size = int(current_app.config.get("PORTAL_PAGE_SIZE", queries.PAGE_SIZE))
    page = queries.catalogue(db.session, filters, page_arg(), size)
    browsing = bool(filters.args())
    return render_template(
        "portal/home.html", catalogue=page, filters=filters, notices=notices, browsing=browsing, labels=labels,
        departments=queries.departments_with_items(db.session), themes=queries.themes(db.session),
        popular=[] if browsing else queries.most_requested(
            db.session, max_age=float(current_app.config.get("PORTAL_POPULAR_CACHE_SECONDS", 300))),
        latest={} if browsing else content.latest(db.session, 5), kinds=content.KINDS)


def _filters() -> tuple[queries.Filters, list[str]]:
    """The catalogue filters from the query string; a value that names nothing is dropped with a notice."""
    args, notices = request.args, []

    def arg(name: str) -> str:
        return args.get(name, "").strip()

    department, theme, audience, level = arg("dept"), arg("theme"), arg("audience"), arg("level")
    if department and (len(department) > MAX_CODE_LENGTH or not queries.department_by_code(db.session, department)):
        notices.append(_("没有该部门，已显示全部部门的事项。"))
        department = ""
    if theme and (len(theme) > MAX_ARG_LENGTH or theme not in queries.themes(db.session)):
        notices.append(_("没有该主题，已忽略主题条件。"))
        theme = ""
    if audience and audience not in queries.AUDIENCES:
        notices.append(_("服务对象应为个人或法人，已忽略该条件。"))
        audience = ""
    if level and level not in queries.LEVELS:
        notices.append(_("行使层级无效，已忽略该条件。"))
        level = ""
    keywords = " ".join(arg("q")[:MAX_ARG_LENGTH].split())
    return queries.Filters(keywords, department or None, theme or None, audience or None, level or None), notices


def _version(code: str):
    version = queries.published_version(db.session, code) if len(code) <= MAX_CODE_LENGTH else None
    if version is None:
        abort(404)
    return version


def item_guide(code: str):
    version = _version(code)
    files = guide_files.available(current_app.config["ONEWINDOW_DATA_DIR"], version.item.code, version.guide)
    return render_template("portal/item.html", item=version.item, version=version, guide=version.guide,
                           labels=labels, files=files)


def item_diagram(code: str):
    """The item's process drawing for the bpmn-js viewer (public: the guide shows it)."""
    version = _version(code)
    diagrams = version.diagrams or {}
    name = next((n for n in diagrams if n == f"{version.stem}.bpmn"), None) or next(iter(diagrams), None)
    return jsonify({"xml": diagrams.get(name, "") if name else "", "active": [], "done": []})


def guide_file(code: str, key: str, which: str):
    """A blank form or filled sample of a material (`key` = material id), or the result's sample
    (`key` = "result"). Only files that exist are served; anything else is 404."""
    version = _version(code)
    if which not in ("blank_form", "sample") or len(key) > MAX_CODE_LENGTH:
        abort(404)
    files = guide_files.available(current_app.config["ONEWINDOW_DATA_DIR"], version.item.code, version.guide)
    path = files.get(f"{key}/{which}")
    if path is None:
        abort(404)
    return downloads.send_path(path, path.name, public=True)


def result_publication():
    page = results.published_results(db.session, page_arg())
    return render_template("portal/results.html", page=page)
