#!/usr/bin/env bash
# Set up (if needed) and start the whole bot on this machine:
#   Rasa server  http://127.0.0.1:5005  (REST + socket.io channels, HTTP API with token)
#   actions      http://127.0.0.1:5055
#   web chat     http://127.0.0.1:8080
#   console      http://127.0.0.1:8090  (hand-off service and adviser console)
# Ctrl-C stops every process this script started.
#
# DIGIWIJZER_PROFILE=production: PostgreSQL tracker store, Redis lock store, RASA_WORKERS Rasa and
# ACTION_WORKERS action-server worker processes, all configured from the environment (scripts/production_env.sh,
# docs/production.md). Without a profile: SQLite tracker store, one process each.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
CONSOLE_PORT="${CONSOLE_PORT:-8090}"
HOST="${HOST:-127.0.0.1}"

ENDPOINTS=endpoints.yml
RASA_ENV=()    # extra environment of the Rasa server and the action server
ACTION_ENV=()
case "${DIGIWIJZER_PROFILE:-}" in
  "") ;;
  production)
    source "$ROOT/scripts/production_env.sh"  # stops here, naming it, when a required variable is missing
    ENDPOINTS=endpoints.production.yml
    RASA_ENV=(SANIC_WORKERS="$RASA_WORKERS")
    ACTION_ENV=(ACTION_SERVER_SANIC_WORKERS="$ACTION_WORKERS")
    log "Production profile: PostgreSQL $TRACKER_DB_HOST:$TRACKER_DB_PORT/$TRACKER_DB_NAME, Redis $REDIS_HOST:$REDIS_PORT, $RASA_WORKERS Rasa and $ACTION_WORKERS action workers"
    ;;
  *) die "DIGIWIJZER_PROFILE must be unset or 'production', not '$DIGIWIJZER_PROFILE'" ;;
esac

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(24))')  # hex: never starts with "-"
  log "No RASA_AUTH_TOKEN set; generated one for this run: $RASA_AUTH_TOKEN"
fi
export RASA_AUTH_TOKEN
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
export TRACKER_DIALECT="${TRACKER_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-$ROOT/var/tracker.db}"
mkdir -p var

# Hand-off service: secrets from the environment, else from var/console.env (random, made once).
if [ -z "${CONSOLE_SECRET_KEY:-}" ] || [ -z "${CONSOLE_SERVICE_TOKEN:-}" ]; then
  if [ ! -f var/console.env ]; then
    (umask 077 && "$PY" -c 'import secrets; print(f"CONSOLE_SECRET_KEY={secrets.token_urlsafe(48)}"); print(f"CONSOLE_SERVICE_TOKEN={secrets.token_urlsafe(48)}")' > var/console.env)
    log "Created var/console.env with random console secrets"
  fi
  set -a; source var/console.env; set +a
fi
export CONSOLE_HOST="$HOST" CONSOLE_PORT RASA_URL="http://$HOST:$RASA_PORT"
export CONSOLE_URL="${CONSOLE_URL:-http://$HOST:$CONSOLE_PORT}"
# A first admin account for the console on a new machine (password printed once, kept in var/).
if [ ! -f var/console-admin.txt ] && [ -z "${CONSOLE_NO_ADMIN:-}" ]; then
  password=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(12))')
  if (cd console && ADVISEUR_WACHTWOORD="$password" .venv/bin/python -m digiconsole migrate >/dev/null \
      && ADVISEUR_WACHTWOORD="$password" .venv/bin/python -m digiconsole adviseur-toevoegen \
         --email admin@localhost --naam Beheerder --admin >/dev/null); then
    (umask 077 && printf 'admin@localhost %s\n' "$password" > var/console-admin.txt)
    log "Console admin account: admin@localhost / $password (also in var/console-admin.txt)"
  fi
fi

# WhatsApp only when configured: credentials.whatsapp.yml adds the Cloud API channel.
CREDENTIALS=credentials.yml
if env | grep -q '^WHATSAPP_'; then
  CREDENTIALS=credentials.whatsapp.yml
  log "WhatsApp channel on: webhook http://$HOST:$RASA_PORT/webhooks/whatsapp/webhook"
fi

pids=()
names=()
cleanup() {
  trap - INT TERM EXIT
  log "Stopping"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  exit 0
}
trap cleanup INT TERM EXIT

start() {  # start NAME CMD...: own process group (so cleanup stops its children), prefixed output
  local name=$1; shift
  setsid "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
  names+=("$name")
}

check_alive() {
  local i
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      die "the ${names[$i]} process stopped; see its output above"
    fi
  done
}

# bot.serve: the same servers as `python -m rasa_sdk` and `rasa run`, made lighter and faster (see bot/serve.py).
start actions env SANIC_HOST="$HOST" "${ACTION_ENV[@]}" "$VENV/bin/python" -m bot.serve actions --actions actions --port "$ACTION_PORT"
start rasa env "${RASA_ENV[@]}" "$VENV/bin/python" -m bot.serve rasa run --model "$MODEL" --enable-api --auth-token="$RASA_AUTH_TOKEN" \
  --interface "$HOST" --port "$RASA_PORT" --cors "*" \
  --credentials "$CREDENTIALS" --endpoints "$ENDPOINTS"
start web "$PY" -m http.server --bind "$HOST" --directory web "$WEB_PORT"
start console bash console/scripts/run.sh

log "Waiting for the Rasa server to load the model"
until curl -fsS "http://$HOST:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" >/dev/null 2>&1; do
  check_alive
  sleep 1
done
log "Ready. Chat: http://$HOST:$WEB_PORT/   Adviser console: http://$HOST:$CONSOLE_PORT/  (Ctrl-C stops everything)"
while true; do
  check_alive
  sleep 2
done
