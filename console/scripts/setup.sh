#!/usr/bin/env bash
# Idempotent setup of the console's Python 3.11 environment (console/.venv) with the
# pinned requirements. The venv is (re)installed only when it is missing or when
# requirements.txt / requirements-dev.txt changed since the last install.
set -euo pipefail
CONSOLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$CONSOLE/.venv"
PY="$VENV/bin/python"

log() { printf '\033[1m[console]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

find_python311() {
  local candidate
  for candidate in "${PYTHON311:-}" python3.11 /root/.pyenv/versions/3.11*/bin/python3.11 /usr/local/bin/python3.11 /usr/bin/python3.11; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 11)' >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  return 1
}

req_hash=$(cat "$CONSOLE/requirements.txt" "$CONSOLE/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.requirements-hash" 2>/dev/null)" != "$req_hash" ]; then
  python311=$(find_python311) || die "Python 3.11 not found. Install it or set PYTHON311=/path/to/python3.11."
  if [ -x "$PY" ] && ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' >/dev/null 2>&1; then
    log "Removing console/.venv (not Python 3.11)"
    rm -rf "$VENV"
  fi
  log "Installing the console environment in console/.venv with $python311"
  [ -x "$PY" ] || "$python311" -m venv "$VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25"
  "$PY" -m pip install --quiet --disable-pip-version-check -r "$CONSOLE/requirements-dev.txt"
  echo "$req_hash" > "$VENV/.requirements-hash"
else
  log "console/.venv is up to date"
fi
