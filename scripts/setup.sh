#!/usr/bin/env bash
# Idempotent setup: Python 3.10 venv with pinned packages, the Dutch spaCy pipeline,
# the console's Python 3.11 venv, and a trained model (retrained only when data/, domain.yml or config.yml changed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" python3.10 /root/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  return 1
}

# 1. Virtual environment with pinned dependencies (reinstalled when the pins change).
req_hash=$(cat requirements.txt requirements-dev.txt requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.requirements-hash" 2>/dev/null)" != "$req_hash" ]; then
  python310=$(find_python310) || die "Python 3.10 not found (Rasa 3.6 needs it). Install it or set PYTHON310=/path/to/python3.10."
  log "Creating the Python 3.10 environment in .venv (about 2 minutes) with $python310"
  [ -x "$PY" ] || "$python310" -m venv "$VENV"
  "$PY" -m pip install --quiet --upgrade "pip<25"
  "$PY" -m pip install --quiet -r requirements-dev.txt -c requirements.lock
  echo "$req_hash" > "$VENV/.requirements-hash"
fi

# 2. The Dutch spaCy pipeline (spacy.blank("nl") + lookup lemmatizer), saved to build/spacy_nl.
spacy_hash=$(sha256sum scripts/build_spacy.py | cut -d' ' -f1)
if [ ! -f build/spacy_nl/meta.json ] || [ "$(cat build/.spacy-hash 2>/dev/null)" != "$spacy_hash" ]; then
  log "Building the Dutch spaCy pipeline"
  "$PY" scripts/build_spacy.py build/spacy_nl
  echo "$spacy_hash" > build/.spacy-hash
fi

# 3. The hand-off service and adviser console: its own Python 3.11 venv (console/.venv).
bash "$ROOT/console/scripts/setup.sh"

# 3b. The chat widget's socket.io client (npm registry, pinned in web/package-lock.json; copied to web/vendor/).
bash "$ROOT/scripts/web_setup.sh" >/dev/null

# 4. Train only when the training data, domain or config changed since the last training.
if [ "${SKIP_TRAIN:-0}" != "1" ]; then
  fingerprint=$(training_fingerprint)
  if [ ! -f "$MODEL" ] || [ "$(cat models/.fingerprint 2>/dev/null)" != "$fingerprint" ]; then
    log "Training the model (data, domain or config changed)"
    start=$(date +%s)
    "$VENV/bin/rasa" train --fixed-model-name digiwijzer --out models --quiet
    echo "$fingerprint" > models/.fingerprint
    log "Training took $(( $(date +%s) - start )) s"
  else
    log "Model is up to date ($MODEL)"
  fi
fi
