#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL. Called by `make test` (and so by .ci/run).
# On CI (CI=true) a missing PostgreSQL fails the run; on a laptop without it, we say what we skipped.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${ONEWINDOW_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export ONEWINDOW_TEST_PG_URL="$PG_URL"

pg_reachable() {
  "$PY" - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1], connect_args={"connect_timeout": 3})
with engine.connect() as conn:
    conn.execute(text("select 1"))
PYEOF
}

status=0
echo "== tests on SQLite =="
ONEWINDOW_TEST_DB=sqlite "$PY" -m pytest -n 2 -q -p no:cacheprovider || status=$?

if pg_reachable; then
  echo "== tests on PostgreSQL ($PG_URL) =="
  ONEWINDOW_TEST_DB=postgresql "$PY" -m pytest -n 2 -q -p no:cacheprovider || status=$?
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $PG_URL: CI requires it." >&2
  status=1
else
  echo "SKIPPED: PostgreSQL is not reachable at $PG_URL; ran the suite on SQLite only." >&2
  echo "         Start PostgreSQL (trust auth, database 'test') or set ONEWINDOW_TEST_PG_URL to include it."
fi
exit $status
