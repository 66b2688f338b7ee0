"""Every URL of supervision."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

bp.add_url_rule("/", "dashboard", c.dashboard)
