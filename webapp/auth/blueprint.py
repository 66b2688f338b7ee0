"""Every URL of signing in and out, and of applicants registering themselves."""
from flask import Blueprint

from . import controllers as c
from . import registration as r

bp = Blueprint("auth", __name__, url_prefix="/auth")

bp.add_url_rule("/login", "login", c.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", c.logout, methods=["POST"])
bp.add_url_rule("/register", "register", r.register)
bp.add_url_rule("/register/individual", "register_individual", r.register_individual, methods=["GET", "POST"])
bp.add_url_rule("/register/company", "register_company", r.register_company, methods=["GET", "POST"])
