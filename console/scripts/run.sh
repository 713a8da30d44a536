#!/usr/bin/env bash
# Run the console locally on http://127.0.0.1:8090 (migrates first).
#
# Secrets: CONSOLE_SECRET_KEY and CONSOLE_SERVICE_TOKEN are taken from the environment,
# else from var/console.env, which is created on first use with random values (mode 600).
# RASA_AUTH_TOKEN must be the token the Rasa server runs with (see ../scripts/run.sh).
# The session cookie is not marked Secure here (plain http on localhost); in production
# leave CONSOLE_COOKIE_SECURE at its default (true) behind https.
set -euo pipefail
CONSOLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(dirname "$CONSOLE")"
ENV_FILE="$ROOT/var/console.env"
bash "$CONSOLE/scripts/setup.sh"

if [ -z "${CONSOLE_SECRET_KEY:-}" ] || [ -z "${CONSOLE_SERVICE_TOKEN:-}" ]; then
  if [ ! -f "$ENV_FILE" ]; then
    mkdir -p "$ROOT/var"
    (umask 077 && "$CONSOLE/.venv/bin/python" - > "$ENV_FILE" <<'PY'
import secrets
print(f"CONSOLE_SECRET_KEY={secrets.token_urlsafe(48)}")
print(f"CONSOLE_SERVICE_TOKEN={secrets.token_urlsafe(48)}")
PY
    )
    printf '\033[1m[console]\033[0m %s\n' "Created $ENV_FILE with random secrets (give CONSOLE_SERVICE_TOKEN to the action server)" >&2
  fi
  set -a
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  set +a
fi
export CONSOLE_COOKIE_SECURE="${CONSOLE_COOKIE_SECURE:-false}"
cd "$CONSOLE"
exec "$CONSOLE/.venv/bin/python" -m digiconsole serve
