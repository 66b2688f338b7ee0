"""Answering the public's consultations, complaints and suggestions (a minimal page; rules in engine.inquiries)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import inquiries
from engine.errors import InvalidInput, InvalidState

from ..access import signed_in
from ..extensions import db, engine_db


def inquiry_list(failure: str | None = None, status: int = 200):
    rows = inquiries.awaiting_answer(db.session, signed_in())
    return render_template("workbench/inquiries.html", rows=rows, kinds=inquiries.KINDS, failure=failure,
                           status_label=inquiries.status_label), status


def answer_inquiry(reference: str):
    try:
        inquiries.answer(engine_db(), signed_in(), reference[:20], request.form.get("answer", "")[:5000],
                         request.form.get("public") == "on")
    except (InvalidInput, InvalidState) as exc:
        return inquiry_list(exc.message, 400)
    flash(_("已答复 %(ref)s。", ref=reference[:20]), "info")
    return redirect(url_for("workbench.inquiries"))
