#!/usr/bin/env bash
# Idempotent: make sure Debian's Chromium is at /usr/bin/chromium (for the browser tests in
# tests/browser/, driven by Playwright without `playwright install`). Prints the path.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  printf '\033[1m[chromium]\033[0m %s\n' "installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends chromium >&2
fi
[ -x "$CHROMIUM" ] || { echo "chromium not found at $CHROMIUM after install" >&2; exit 1; }
echo "$CHROMIUM"
