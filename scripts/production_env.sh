# The production profile's settings (sourced by scripts/run.sh when DIGIWIJZER_PROFILE=production).
# Checks that every required variable is set (stops the start naming the first one missing), fills
# the defaults, and exports what endpoints.production.yml, the channels and the console read.
# Every variable is described in docs/production.md.

require() {  # require NAME...: each must be set and non-empty
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || die "production profile: $name is not set (see docs/production.md)"
  done
}
whole_number() {  # whole_number NAME LOW: a whole number of at least LOW
  [[ "${!1}" =~ ^[0-9]+$ ]] && [ "${!1}" -ge "$2" ] || die "production profile: $1 must be a whole number >= $2, not '${!1}'"
}

# Secrets and connections: no defaults, never generated (every process and replica must agree on them).
require RASA_AUTH_TOKEN CONSOLE_SECRET_KEY CONSOLE_SERVICE_TOKEN \
  TRACKER_DB_HOST TRACKER_DB_NAME TRACKER_DB_USER TRACKER_DB_PASSWORD \
  REDIS_HOST REDIS_PASSWORD DATABASE_URL
case "$DATABASE_URL" in
  postgresql*://*) ;;
  *) die "production profile: DATABASE_URL (the console's database) must be a postgresql+psycopg:// URL" ;;
esac

export TRACKER_DB_PORT="${TRACKER_DB_PORT:-5432}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export REDIS_LOCK_DB="${REDIS_LOCK_DB:-1}"
export REDIS_KEY_PREFIX="${REDIS_KEY_PREFIX:-digiwijzer}"
export RASA_WORKERS="${RASA_WORKERS:-2}"
export ACTION_WORKERS="${ACTION_WORKERS:-2}"
whole_number TRACKER_DB_PORT 1
whole_number REDIS_PORT 1
whole_number REDIS_LOCK_DB 0
whole_number RASA_WORKERS 1
whole_number ACTION_WORKERS 1
[[ "$REDIS_KEY_PREFIX" =~ ^[A-Za-z0-9]+$ ]] || die "production profile: REDIS_KEY_PREFIX must be letters and digits only"
export TRACKER_DB_HOST TRACKER_DB_NAME TRACKER_DB_USER TRACKER_DB_PASSWORD REDIS_HOST REDIS_PASSWORD DATABASE_URL

# The socket.io manager (adviser replies across processes) and the shared WhatsApp de-duplication use
# the same Redis, database 0, unless given their own URL.
redis_url=$("$PY" -c 'import os, urllib.parse
password = urllib.parse.quote(os.environ["REDIS_PASSWORD"], safe="")
print("redis://:%s@%s:%s/0" % (password, os.environ["REDIS_HOST"], os.environ["REDIS_PORT"]))') \
  || die "production profile: could not build the Redis URL"
[ -n "$redis_url" ] || die "production profile: could not build the Redis URL"
export SOCKETIO_REDIS_URL="${SOCKETIO_REDIS_URL:-$redis_url}"
export DEDUPE_REDIS_URL="${DEDUPE_REDIS_URL:-$redis_url}"
unset redis_url

# The console in production: its session cookie only over https (set false only for a plain-http test).
export CONSOLE_COOKIE_SECURE="${CONSOLE_COOKIE_SECURE:-true}"
