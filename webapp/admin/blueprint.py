"""Every URL of administration."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("admin", __name__, url_prefix="/admin")

bp.add_url_rule("/", "items", c.items)
