#!/usr/bin/env bash
# The whole suite twice: on SQLite (with the browser tests) and on PostgreSQL (a throwaway
# server started and stopped by the test session, see tests/databases.py; Debian's postgresql
# is installed first when missing). Fails when either run fails or collects no tests.
# Extra arguments go to both pytest runs, e.g. `scripts/run-tests.sh tests/survey`.
set -uo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

run() {
  local label="$1"; shift
  echo "=== tests on $label ==="
  local started=$SECONDS
  "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "no tests were collected on $label: that is a failure" >&2
    rc=1
  fi
  echo "=== $label: exit $rc in $((SECONDS - started)) s ==="
  return "$rc"
}

bash scripts/pg-test-server.sh bindir >/dev/null || { echo "PostgreSQL is not available" >&2; exit 1; }
sqlite_rc=0
postgres_rc=0
run SQLite env SURVEYAPP_TEST_DB=sqlite "$PY" -m pytest -q "$@" || sqlite_rc=$?
# Browser tests drive the same pages whatever the database, so they run on SQLite only.
run PostgreSQL env SURVEYAPP_TEST_DB=postgresql "$PY" -m pytest -q -m "not browser" "$@" || postgres_rc=$?
if [ "$sqlite_rc" -ne 0 ] || [ "$postgres_rc" -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_rc, PostgreSQL exit $postgres_rc" >&2
  exit 1
fi
echo "Both databases passed."
