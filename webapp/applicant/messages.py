"""我的消息: the messages the engine writes to applicants and agents (accepted, supplement, concluded ...).
Opening one marks it read; someone else's message id is 404. `unread_message_count` feeds the badge in the
navigation: one COUNT over the partial index `ix_message_unread`, only for people of the applicant area."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from engine import messages as engine_messages
from engine.models import Evaluation, Message
from engine.permissions import may_enter

from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..params import page_arg


@area_required("applicant")
def inbox():
    user = signed_in()
    page = page_arg()
    total = db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == user.id)) or 0
    pages = max(1, -(-total // engine_messages.PAGE_SIZE))
    if page > pages:
        abort(404)
    return render_template("applicant/messages.html", messages=engine_messages.messages_of(db.session, user, page),
                           page=page, pages=pages, total=total, unread=engine_messages.unread_count(db.session, user),
                           kinds=engine_messages.KIND_LABELS)


@area_required("applicant")
def show(message_id: int):
    user = signed_in()
    message = engine_messages.message_of(db.session, user, message_id)  # NotFound (404) when not theirs
    if message.read_at is None:
        engine_messages.mark_read(engine_db(), user, message.id)
        db.session.refresh(message)
    return render_template("applicant/message.html", message=message, kinds=engine_messages.KIND_LABELS,
                           case_id=_linked_case(message))


def _linked_case(message: Message) -> int | None:
    """The case a message is about, as the applicant knows it: a rectification (an internal case) links to
    the case whose evaluation it answers, where its rating form is."""
    if message.case is None or message.case.channel != "internal":
        return message.case_id
    return db.session.scalar(select(Evaluation.case_id).where(Evaluation.rectification_case_id == message.case_id))


@area_required("applicant")
def mark_all_read():
    changed = engine_messages.mark_read(engine_db(), signed_in())
    flash(_("已将 %(n)d 条消息标为已读。", n=changed) if changed else _("没有未读消息。"), "success")
    return redirect(url_for(".messages"))


def unread_message_count() -> int | None:
    """Unread messages of the signed-in applicant or agent, for the navigation badge; None for anyone else
    (staff have no messages here), so that their pages run no query."""
    user = signed_in()
    if user is None or not may_enter(user, "applicant"):
        return None
    return engine_messages.unread_count(db.session, user)
