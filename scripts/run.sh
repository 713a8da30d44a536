#!/usr/bin/env bash
# Set up (if needed) and start the whole bot on this machine:
#   Rasa server  http://127.0.0.1:5005  (REST + socket.io channels, HTTP API with token)
#   actions      http://127.0.0.1:5055
#   web chat     http://127.0.0.1:8080
# Ctrl-C stops every process this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh"

RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
WEB_PORT="${WEB_PORT:-8080}"
HOST="${HOST:-127.0.0.1}"

if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
  log "No RASA_AUTH_TOKEN set; generated one for this run: $RASA_AUTH_TOKEN"
fi
export RASA_AUTH_TOKEN
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
export TRACKER_DIALECT="${TRACKER_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-$ROOT/var/tracker.db}"
mkdir -p var

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

start actions env SANIC_HOST="$HOST" "$VENV/bin/python" -m rasa_sdk --actions actions --port "$ACTION_PORT"
start rasa "$VENV/bin/rasa" run --model "$MODEL" --enable-api --auth-token "$RASA_AUTH_TOKEN" \
  --interface "$HOST" --port "$RASA_PORT" --cors "*" \
  --credentials credentials.yml --endpoints endpoints.yml
start web "$PY" -m http.server --bind "$HOST" --directory web "$WEB_PORT"

log "Waiting for the Rasa server to load the model"
until curl -fsS "http://$HOST:$RASA_PORT/status?token=$RASA_AUTH_TOKEN" >/dev/null 2>&1; do
  check_alive
  sleep 1
done
log "Ready. Chat in your browser: http://$HOST:$WEB_PORT/  (Ctrl-C stops everything)"
while true; do
  check_alive
  sleep 2
done
