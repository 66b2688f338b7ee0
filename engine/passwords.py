"""The password rule for every account, and changing one's password.

A password must be 8–128 characters, contain letters and digits, not contain the user name or ID number,
and score at least `MIN_SCORE` on the zxcvbn strength estimator (Dropbox's; its score 3 means "about 10^10
guesses": a common password, a keyboard walk, a name plus a year or a dictionary word with digits all score
lower). The person's own details (user name, name, ID number, phone) are given to zxcvbn as words it should
expect an attacker to try.

Changing a password ends every other session of the account (engine.login_sessions) in the same
transaction, and clears the "must change at first login" mark that administrators' new staff carry.
"""
from __future__ import annotations

import re
import threading

from zxcvbn import zxcvbn

from . import audit, login_sessions
from .accounts import hash_password, verify_password
from .db import Database
from .errors import InvalidInput
from .i18n import _
from .models import User

MIN_LENGTH, MAX_LENGTH = 8, 128
MIN_SCORE = 3  # zxcvbn scores 0–4: below 3 is guessable within about 10^10 tries
_ESTIMATED_CHARS = 72  # zxcvbn refuses longer input; the first 72 characters decide the strength anyway
# zxcvbn keeps the user's own words in a module-level dictionary while it works: one estimate at a time.
_estimating = threading.Lock()
MISMATCH = _("两次输入的密码不一致。")


def password_problem(password: str, username: str = "", id_number: str = "",
                     personal: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a new password, in the user's words; None when it may be used. `personal` are
    further details of the person (name, phone) that the password should not be built from."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return _("密码长度应为 %(a)d–%(b)d 位。", a=MIN_LENGTH, b=MAX_LENGTH)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return _("密码须同时包含字母和数字。")
    lowered = password.lower()
    if (username and username.lower() in lowered) or (id_number and id_number.lower() in lowered):
        return _("密码不能包含用户名或证件号码。")
    if strength(password, (username, id_number, *personal)) < MIN_SCORE:
        return _("密码太容易被猜中（如常用密码、键盘顺序、单词或姓名加年份），请换一个更长、更不规则的密码，"
                 "例如用几个不相关的词加数字和符号组合。")
    return None


def strength(password: str, personal: tuple[str, ...] = ()) -> int:
    """zxcvbn's score (0–4) of a password, with the person's own details as words to expect."""
    words = [word for word in personal if word]
    with _estimating:
        return zxcvbn(password[:_ESTIMATED_CHARS], user_inputs=words)["score"]


def change_password(db: Database, user: User, current: str, new: str, confirm: str | None = None,
                    keep_session: str | None = None) -> None:
    """Change one's password after confirming the current one (and, when given, the new one typed twice).

    Every session of the account except `keep_session` (the token of the session making the change) ends."""
    with db.read() as session:
        row = session.get(User, user.id)
    if row is None or not verify_password(row, current):
        raise InvalidInput(_("当前密码不正确。"), {"current_password": [_("当前密码不正确。")]})
    if verify_password(row, new):
        same = _("新密码不能与当前密码相同。")
        raise InvalidInput(same, {"new_password": [same]})
    problem = password_problem(new, row.username, row.id_number or "", (row.display_name, row.phone or ""))
    if problem:
        raise InvalidInput(problem, {"new_password": [problem]})
    if confirm is not None and confirm != new:
        raise InvalidInput(MISMATCH, {"new_password_confirm": [MISMATCH]})
    with db.write() as session:
        row = session.get(User, user.id, with_for_update=True)
        row.password_hash = hash_password(new)
        row.password_change_required = False
        ended = login_sessions.end_all(session, row.id, keep=keep_session)
        audit.record(session, "password_changed", actor=row,
                     detail={"username": row.username, "other_sessions_ended": ended})
