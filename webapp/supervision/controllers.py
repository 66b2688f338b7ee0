"""The supervisor's dashboard: how many running cases are in warning (yellow) or overdue (red)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from engine.models import Case
from engine.status import FINAL

from ..access import area_required
from ..extensions import db


@area_required("supervision")
def dashboard():
    counts = dict(db.session.execute(
        select(Case.warning_level, func.count()).where(Case.warning_level.in_(("yellow", "red")),
                                                       Case.status.not_in([int(s) for s in FINAL]))
        .group_by(Case.warning_level)).all())
    return render_template("supervision/dashboard.html", yellow=counts.get("yellow", 0),
                           red=counts.get("red", 0))
