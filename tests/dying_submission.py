"""A separate process that posts one API submission to the real app and dies at a chosen point of the case's
write transaction, as a power cut or SIGKILL would: `after-commit` (the case and its key's row committed,
the answer never stored) or `before-commit` (the transaction open, its rows written, nothing committed).

Run as `python -m tests.dying_submission POINT` with DATABASE_URL, ONEWINDOW_DATA_DIR, TOKEN, KEY and BODY
(JSON) in the environment; exits with DIED when it died where asked, 1 when the request finished instead.
Nothing of the app is replaced: the process just ends itself (os._exit, no cleanup, no rollback) from a
SQLAlchemy session event at that point.
"""
from __future__ import annotations

import json
import os
import sys

DIED = 86


def main(point: str) -> int:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": os.environ["DATABASE_URL"], "SECRET_KEY": "dying",
                      "ONEWINDOW_DATA_DIR": os.environ["ONEWINDOW_DATA_DIR"], "ONEWINDOW_SCHEDULER": False})

    # Registered after engine.idempotency's own listeners, so these run after the key's row was written into
    # the transaction (it marks the session with "idempotency_request"): the case's transaction only.
    @event.listens_for(Session, "before_commit")
    def _at_commit(session):
        if "idempotency_request" in session.info:
            if point == "before-commit":
                os._exit(DIED)
            session.info["dying_submission"] = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        if session.info.pop("dying_submission", False):
            os._exit(DIED)

    headers = {"Authorization": f"Bearer {os.environ['TOKEN']}", "Idempotency-Key": os.environ["KEY"]}
    response = app.test_client().post("/api/v1/cases", json=json.loads(os.environ["BODY"]), headers=headers)
    print(f"the request finished with {response.status_code} instead of dying", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
