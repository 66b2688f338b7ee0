"""网上咨询 / 投诉 / 建议: the public form, the lookup by reference and contact, and the answers made public."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from engine import inquiries
from engine.errors import InvalidInput

from ..extensions import db, engine_db
from ..params import page_arg
from . import queries

FIELDS = ("name", "contact", "subject", "content")


def _choices() -> dict:
    return {"departments": queries.departments_with_items(db.session),
            "items": queries.published_items(db.session), "kinds": inquiries.KINDS}


def new_inquiry():
    kind = request.args.get("kind", "consultation")
    values = {"kind": kind if kind in inquiries.KINDS else "consultation",
              "item": request.args.get("item", "")[:64], "department": request.args.get("dept", "")[:64]}
    return render_template("portal/inquiry_form.html", values=values, errors={}, reference=None, **_choices())


def submit_inquiry():
    form = request.form
    values = {key: form.get(key, "")[:inquiries.LIMITS.get(key, 64) + 1] for key in FIELDS}
    values.update(kind=form.get("kind", "")[:20], item=form.get("item", "")[:64],
                  department=form.get("department", "")[:64])
    try:
        reference = inquiries.submit(engine_db(), values["kind"], values["name"], values["contact"],
                                     values["subject"], values["content"], values["item"] or None,
                                     values["department"] or None)
    except InvalidInput as exc:
        return render_template("portal/inquiry_form.html", values=values, errors=exc.errors, reference=None,
                               message=exc.message, **_choices()), 400
    return render_template("portal/inquiry_done.html", reference=reference, kind=values["kind"],
                           kind_label=inquiries.KINDS[values["kind"]])


def lookup_form():
    return render_template("portal/inquiry_lookup.html", reference="", inquiry=None, message=None,
                           status_label=inquiries.status_label)


def lookup():
    reference = request.form.get("reference", "").strip().upper()[:20]
    found = inquiries.lookup(db.session, reference, request.form.get("contact", "")[:200])
    if found is None:
        message = _("查询编号与联系方式不匹配，未能查询到记录。请核对提交时获得的查询编号和所填联系方式。")
        return render_template("portal/inquiry_lookup.html", reference=reference, inquiry=None, message=message,
                               status_label=inquiries.status_label), 404
    return render_template("portal/inquiry_lookup.html", reference=reference, inquiry=found, message=None,
                           status_label=inquiries.status_label, kinds=inquiries.KINDS)


def public_answers():
    page = inquiries.public_answers(db.session, page_arg())
    return render_template("portal/inquiry_answers.html", page=page)

