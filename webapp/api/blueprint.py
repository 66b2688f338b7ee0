"""Every URL of the JSON API."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/health", "health", c.health)
bp.add_url_rule("/items", "items", c.items)
