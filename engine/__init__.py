"""OneWindow's approval engine: items, cases, tasks, timers and the audit trail.

Knows nothing of Flask or HTTP, so the CLI, the web app, the scheduler and the tests drive it alike.
"""
