#!/usr/bin/env bash
# A private PostgreSQL server for the console's tests (and local use). Idempotent.
#
# - installs Debian's postgresql package when the server binaries are missing;
# - keeps its own cluster in /tmp/digiwijzer-postgres (override: DIGIWIJZER_PG_DIR), owned by the
#   postgres OS user, listening on 127.0.0.1:55432 only (override: DIGIWIJZER_PG_PORT);
# - creates role "digiwijzer" with a random password kept in var/postgres-digiwijzer.password
#   (mode 600) and databases "digiwijzer_test" (the console's) and "digiwijzer_tracker" (Rasa's
#   tracker store in the production profile's tests) owned by it;
# - prints the SQLAlchemy URL (postgresql+psycopg://...) as the last line on stdout.
#
# Usage: CONSOLE_TEST_POSTGRES_URL=$(scripts/postgres.sh | tail -n1) console/scripts/test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGDIR="${DIGIWIJZER_PG_DIR:-/tmp/digiwijzer-postgres}"  # outside the clone: the postgres user must reach it
PORT="${DIGIWIJZER_PG_PORT:-55432}"
PWFILE="$ROOT/var/postgres-digiwijzer.password"
ROLE=digiwijzer
DB=digiwijzer_test
TRACKER_DB=digiwijzer_tracker

log() { printf '\033[1m[postgres]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and runs the server as the postgres user)"

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# 1. Server binaries (Debian package).
if ! BIN=$(find_bindir) || ! id postgres >/dev/null 2>&1; then
  log "Installing PostgreSQL (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN=$(find_bindir) || die "PostgreSQL server binaries not found after installing"
fi
as_pg() { runuser -u postgres -- "$@"; }

# 2. The cluster, initialised once.
mkdir -p "$(dirname "$PGDIR")" "$ROOT/var"
if [ ! -s "$PGDIR/PG_VERSION" ]; then
  log "Creating a cluster in $PGDIR ($("$BIN/postgres" --version))"
  mkdir -p "$PGDIR"
  chown postgres:postgres "$PGDIR"
  chmod 700 "$PGDIR"
  as_pg "$BIN/initdb" -D "$PGDIR" --username=postgres --encoding=UTF8 --no-locale \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  cat >> "$PGDIR/postgresql.conf" <<CONF

# digiwijzer (scripts/postgres.sh): loopback only, own port and socket directory
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PGDIR'
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
CONF
fi

# 3. Running?
if ! as_pg "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
  log "Starting PostgreSQL on 127.0.0.1:$PORT"
  as_pg "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 30 start >/dev/null \
    || die "server did not start; see $PGDIR/server.log"
fi
psql_pg() { as_pg "$BIN/psql" -h "$PGDIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

# 4. Role with a random password (kept in a root-only file; sent over stdin, never argv).
if [ ! -s "$PWFILE" ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PWFILE")
fi
chmod 600 "$PWFILE"
PASSWORD=$(cat "$PWFILE")
[[ "$PASSWORD" =~ ^[0-9a-f]{48}$ ]] || die "$PWFILE does not hold a generated password; delete it and run again"
psql_pg >/dev/null <<SQL
SELECT 'CREATE ROLE $ROLE LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE')
\gexec
ALTER ROLE $ROLE WITH LOGIN PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB')
\gexec
SELECT 'CREATE DATABASE $TRACKER_DB OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$TRACKER_DB')
\gexec
SQL

# 5. Check that the role can log in over TCP, then print the URL.
PGPASSWORD="$PASSWORD" "$BIN/psql" "host=127.0.0.1 port=$PORT dbname=$DB user=$ROLE" -qtA -c 'SELECT 1' >/dev/null \
  || die "cannot log in as $ROLE on 127.0.0.1:$PORT"
log "PostgreSQL ready: databases $DB and $TRACKER_DB on 127.0.0.1:$PORT"
echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
