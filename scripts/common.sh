# Shared by scripts/setup.sh, run.sh and test.sh (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
MODEL="$ROOT/models/digiwijzer.tar.gz"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONWARNINGS="ignore::DeprecationWarning"
export RASA_TELEMETRY_ENABLED=false

log() { printf '\033[1m[digiwijzer]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Hash of the files that decide whether a retrain is needed.
training_fingerprint() {
  (cd "$ROOT" && find data domain.yml config.yml -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
