#!/usr/bin/env bash
# Idempotent setup of the chat widget's browser dependency: socket.io-client from the npm
# registry (pinned in web/package.json + web/package-lock.json), copied to web/vendor/
# (gitignored), from where web/digiwijzer.js loads it. Never from a CDN.
# `npm ci` runs only when web/node_modules is missing or the lock file changed.
set -euo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)"
log() { printf '\033[1m[web_setup]\033[0m %s\n' "$*" >&2; }

command -v npm >/dev/null || { log "ERROR: npm not found (install Node.js 18+, e.g. apt-get install -y nodejs npm)"; exit 1; }

lock_hash=$(cat "$WEB/package.json" "$WEB/package-lock.json" | sha256sum | cut -d' ' -f1)
stamp="$WEB/node_modules/.digiwijzer-lock-hash"
if [ ! -d "$WEB/node_modules/socket.io-client" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  log "npm ci (web/package-lock.json)"
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > "$stamp"
fi

src="$WEB/node_modules/socket.io-client/dist/socket.io.min.js"
dest="$WEB/vendor/socket.io.min.js"
[ -f "$src" ] || { log "ERROR: $src missing after npm ci"; exit 1; }
mkdir -p "$WEB/vendor"
if ! cmp -s "$src" "$dest"; then
  cp "$src" "$dest"
  log "copied socket.io.min.js to web/vendor/"
fi
echo "$dest"
