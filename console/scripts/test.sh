#!/usr/bin/env bash
# Test the console: setup, ruff (lint + format), mypy, pytest.
# Every database test runs on SQLite; set CONSOLE_TEST_POSTGRES_URL (e.g. from
# ../scripts/postgres.sh) to run each of them on PostgreSQL as well.
# Extra arguments go to pytest.
set -euo pipefail
CONSOLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$CONSOLE/scripts/setup.sh"
cd "$CONSOLE"
BIN="$CONSOLE/.venv/bin"
log() { printf '\033[1m[console]\033[0m %s\n' "$*" >&2; }

log "ruff check"
"$BIN/ruff" check .
log "ruff format --check"
"$BIN/ruff" format --check .
log "mypy digiconsole"
"$BIN/mypy" digiconsole
if [ -n "${CONSOLE_TEST_POSTGRES_URL:-}" ]; then
  log "pytest (SQLite and PostgreSQL)"
else
  log "pytest (SQLite; set CONSOLE_TEST_POSTGRES_URL for PostgreSQL too)"
fi
"$BIN/python" -m pytest "$@"
