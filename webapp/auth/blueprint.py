"""Every URL of signing in and out."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("auth", __name__, url_prefix="/auth")

bp.add_url_rule("/login", "login", c.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", c.logout, methods=["POST"])
