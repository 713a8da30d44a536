#!/usr/bin/env bash
# A private Redis server for the production profile's tests (and local use). Idempotent.
#
# - installs Debian's redis-server package when redis-server is missing, without letting the
#   package start (or keep running) Debian's own service on port 6379;
# - runs its own instance as a daemon under the redis OS user, on 127.0.0.1:56379 only
#   (override: DIGIWIJZER_REDIS_PORT), working directory /tmp/digiwijzer-redis (override:
#   DIGIWIJZER_REDIS_DIR), protected mode on, no persistence (nothing is written to disk);
# - requires a random password kept in var/redis.password (mode 600); the configuration,
#   password included, is handed to redis-server on stdin, so it is in no file but that one;
# - prints the redis URL (redis://:<password>@127.0.0.1:<port>/0) as the last line on stdout.
#
# Usage: REDIS_URL=$(scripts/redis.sh | tail -n1)
# Stop:  scripts/redis.sh stop
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${DIGIWIJZER_REDIS_DIR:-/tmp/digiwijzer-redis}"  # outside the clone: the redis user must reach it
PORT="${DIGIWIJZER_REDIS_PORT:-56379}"
PWFILE="$ROOT/var/redis.password"
PIDFILE="$DIR/redis.pid"

log() { printf '\033[1m[redis]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and runs the server as the redis user)"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "DIGIWIJZER_REDIS_PORT must be a port number, not '$PORT'"

running_pid() {  # the pid of our instance, when its pid file names a live redis-server
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ] && echo "$pid"
}

if [ "${1:-}" = stop ]; then
  if pid=$(running_pid); then
    log "Stopping Redis (pid $pid)"
    kill -TERM "$pid"
  fi
  exit 0
fi

# 1. The server binary (Debian package). Debian's package starts its own service on 6379 when it is
#    installed; a policy-rc.d that denies every start keeps it down (only when none exists already).
if ! command -v redis-server >/dev/null 2>&1 || ! id redis >/dev/null 2>&1; then
  log "Installing redis-server (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  apt-get update -qq >&2
  apt-get install -y -qq redis-server >&2 || { [ "$policy_added" = 0 ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ "$policy_added" = 0 ] || rm -f /usr/sbin/policy-rc.d
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found after installing"
  # The service this install brought: stopped and disabled (a Redis that was there before is left alone).
  if [ -d /run/systemd/system ]; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  else
    update-rc.d redis-server disable >/dev/null 2>&1 || true
    /etc/init.d/redis-server stop >/dev/null 2>&1 || true
  fi
fi

# 2. The password, random, made once (root-only file).
mkdir -p "$ROOT/var"
if [ ! -s "$PWFILE" ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PWFILE")
fi
chmod 600 "$PWFILE"
PASSWORD=$(cat "$PWFILE")
[[ "$PASSWORD" =~ ^[0-9a-f]{48}$ ]] || die "$PWFILE does not hold a generated password; delete it and run again"
export REDISCLI_AUTH="$PASSWORD"  # redis-cli reads it from here, not from its command line
ping() { redis-cli -h 127.0.0.1 -p "$PORT" --no-auth-warning ping 2>/dev/null | grep -qx PONG; }

# 3. Running? Else start it (configuration on stdin: the password is in no config file).
if pid=$(running_pid) && ! ping; then  # started by another checkout with its own password file
  log "The Redis on 127.0.0.1:$PORT does not take the password in $PWFILE; restarting it with that one"
  kill -TERM "$pid"
  for _ in $(seq 1 50); do
    running_pid >/dev/null || break
    sleep 0.1
  done
fi

if ! running_pid >/dev/null; then
  mkdir -p "$DIR"
  chown redis:redis "$DIR"
  chmod 700 "$DIR"
  log "Starting Redis on 127.0.0.1:$PORT ($(redis-server --version | cut -d' ' -f1-3))"
  runuser -u redis -- redis-server - >/dev/null <<CONF || die "redis-server did not start; see $DIR/redis.log"
bind 127.0.0.1
port $PORT
protected-mode yes
requirepass $PASSWORD
daemonize yes
pidfile $PIDFILE
logfile $DIR/redis.log
dir $DIR
save ""
appendonly no
CONF
  for _ in $(seq 1 50); do
    ping && break
    sleep 0.1
  done
fi
ping || die "no answer from Redis on 127.0.0.1:$PORT with the password in $PWFILE (see $DIR/redis.log)"
log "Redis ready on 127.0.0.1:$PORT"
echo "redis://:$PASSWORD@127.0.0.1:$PORT/0"
