"""Every URL of the public portal."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("portal", __name__)

bp.add_url_rule("/", "home", c.home)
bp.add_url_rule("/items/<code>", "item", c.item_guide)
bp.add_url_rule("/status", "status", c.status_form, methods=["GET"])
bp.add_url_rule("/status", "status_lookup", c.status_lookup, methods=["POST"])
bp.add_url_rule("/verify/<code>", "verify", c.verify_document)
