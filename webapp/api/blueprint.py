"""Every URL of the open API (v1), in one table. Conventions: webapp/api/conventions.py; docs/api.md."""
from flask import Blueprint

from ..extensions import csrf
from . import cases, controllers as c, hooks, monitoring, ratelimit, tasks
from .problems import Problem, from_exception

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token requests carry no cookie; session writes are checked in auth.require (X-CSRFToken)
bp.record_once(lambda state: ratelimit.init_app(state.app))
bp.register_error_handler(Problem, from_exception)

bp.add_url_rule("/health", "health", c.health)
bp.add_url_rule("/openapi.json", "openapi", c.openapi_document)
bp.add_url_rule("/docs", "docs", c.reference)

bp.add_url_rule("/items", "items", c.items)
bp.add_url_rule("/items/<code>", "item", c.item)

bp.add_url_rule("/cases", "cases", cases.case_list)
bp.add_url_rule("/cases", "submit", cases.submit, methods=["POST"])
bp.add_url_rule("/cases/<case_no>", "case", cases.case)
bp.add_url_rule("/case-status", "case_status", cases.status_lookup, methods=["POST"])

bp.add_url_rule("/tasks", "tasks", tasks.task_list)
bp.add_url_rule("/tasks/<int(max=2147483647):task_id>", "task", tasks.task)
bp.add_url_rule("/tasks/<int(max=2147483647):task_id>/claim", "claim", tasks.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int(max=2147483647):task_id>/complete", "complete", tasks.complete, methods=["POST"])

bp.add_url_rule("/supervision/deadlines", "deadlines", monitoring.deadlines)
bp.add_url_rule("/statistics", "statistics", monitoring.statistics)
bp.add_url_rule("/events", "events", monitoring.event_feed)

bp.add_url_rule("/webhooks", "webhooks", hooks.subscriptions)
bp.add_url_rule("/webhooks", "subscribe", hooks.subscribe, methods=["POST"])
bp.add_url_rule("/webhooks/<int(max=2147483647):subscription_id>", "unsubscribe", hooks.unsubscribe, methods=["DELETE"])
bp.add_url_rule("/webhooks/<int(max=2147483647):subscription_id>/deliveries", "deliveries", hooks.deliveries)
