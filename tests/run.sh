#!/usr/bin/env bash
# Runs the whole suite on SQLite and on PostgreSQL, the two halves side by side (each half waits on its
# database, its subprocesses and its browser much of the time, so together they finish sooner than one
# after the other). Called by `make test` (and so by .ci/run). Each half's output goes to the terminal when
# it ends, with its duration. ONEWINDOW_TEST_SEQUENTIAL=1 runs them one after the other instead.
# On CI (CI=true) a missing PostgreSQL fails the run; on a laptop without it, we say what we skipped.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${ONEWINDOW_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
export ONEWINDOW_TEST_PG_URL="$PG_URL"
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

pg_reachable() {
  "$PY" - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1], connect_args={"connect_timeout": 3})
with engine.connect() as conn:
    conn.execute(text("select 1"))
PYEOF
}

# half NAME DB: run the suite on one database; its output and exit code go to $LOGS/NAME.*
half() {
  local started=$SECONDS
  ONEWINDOW_TEST_DB="$2" "$PY" -m pytest -n 2 -q -p no:cacheprovider >"$LOGS/$1.out" 2>&1
  echo $? >"$LOGS/$1.rc"
  echo "$1 half took $((SECONDS - started)) s" >>"$LOGS/$1.out"
}

report() {
  echo "== tests on $1 =="
  cat "$LOGS/$1.out"
  return "$(cat "$LOGS/$1.rc")"
}

status=0
if pg_reachable; then
  if [ "${ONEWINDOW_TEST_SEQUENTIAL:-}" = "1" ]; then
    half SQLite sqlite; half PostgreSQL postgresql
  else
    half SQLite sqlite & half PostgreSQL postgresql & wait
  fi
  report SQLite || status=$?
  echo "(PostgreSQL: $PG_URL)"
  report PostgreSQL || status=$?
else
  half SQLite sqlite
  report SQLite || status=$?
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not reachable at $PG_URL: CI requires it." >&2
    status=1
  else
    echo "SKIPPED: PostgreSQL is not reachable at $PG_URL; ran the suite on SQLite only." >&2
    echo "         Start PostgreSQL (trust auth, database 'test') or set ONEWINDOW_TEST_PG_URL to include it."
  fi
fi
exit $status
