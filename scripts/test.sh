#!/usr/bin/env bash
# Run every check: lint and types, data validation, training (when needed), test stories,
# the NLU held-out report, the console's tests (SQLite and a real PostgreSQL), and pytest
# (unit, action, quality-gate and end-to-end tests, the production profile's on PostgreSQL and Redis).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

SKIP_TRAIN=1 "$ROOT/scripts/setup.sh"

log "ruff (lint + format) and mypy"
"$VENV/bin/ruff" check bot actions tests scripts bench
"$VENV/bin/ruff" format --check bot actions tests scripts bench
"$VENV/bin/mypy" bot actions

log "rasa data validate"
"$VENV/bin/rasa" data validate --quiet

"$ROOT/scripts/setup.sh"   # trains only when data/, domain.yml or config.yml changed

log "Test stories (rasa test core --fail-on-prediction-errors)"
rm -rf results/core
"$VENV/bin/rasa" test core --model "$MODEL" --stories tests/test_stories --fail-on-prediction-errors --out results/core --quiet

log "Intent and response selection on the held-out split (rasa test nlu)"
rm -rf results/nlu
"$VENV/bin/rasa" test nlu --model "$MODEL" --nlu tests/nlu_holdout --out results/nlu --quiet
"$PY" scripts/nlu_report.py results/nlu

log "PostgreSQL and Redis (Debian packages, loopback only) for the console's and the production profile's tests"
pg_url=$(bash "$ROOT/scripts/postgres.sh" | tail -n1)
redis_url=$(bash "$ROOT/scripts/redis.sh" | tail -n1)

log "Console: ruff, mypy and pytest on SQLite and PostgreSQL"
CONSOLE_TEST_POSTGRES_URL="$pg_url" bash "$ROOT/console/scripts/test.sh" -q -p no:cacheprovider

log "Chromium for the browser tests (Debian package)"
bash "$ROOT/scripts/chromium.sh" >/dev/null

log "pytest"
DIGIWIJZER_TEST_POSTGRES_URL="$pg_url" DIGIWIJZER_TEST_REDIS_URL="$redis_url" \
  "$PY" -m pytest -p no:cacheprovider -q "$@"
