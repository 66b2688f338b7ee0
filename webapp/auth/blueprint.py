"""Every URL of signing in and out, changing one's password, and of applicants registering themselves."""
from flask import Blueprint

from . import controllers as c
from . import limits
from . import password as p
from . import registration as r

bp = Blueprint("auth", __name__, url_prefix="/auth")
bp.record_once(lambda state: limits.init_app(state.app))

bp.add_url_rule("/login", "login", limits.login_attempts(limits.failed_logins(c.login)), methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", c.logout, methods=["POST"])
bp.add_url_rule("/password", "change_password", p.change_password, methods=["GET", "POST"])
bp.add_url_rule("/register", "register", r.register)
bp.add_url_rule("/register/individual", "register_individual", limits.refused_registrations(r.register_individual),
                methods=["GET", "POST"])
bp.add_url_rule("/register/company", "register_company", limits.refused_registrations(r.register_company),
                methods=["GET", "POST"])
bp.register_error_handler(429, limits.too_many_attempts)
bp.before_app_request(p.require_password_change)
