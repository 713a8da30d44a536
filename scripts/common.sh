# Shared by scripts/setup.sh, run.sh and test.sh (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
MODEL="$ROOT/models/digiwijzer.tar.gz"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# The last filter: Rasa warns that retrieval intents need its own ResponseSelector; ours
# (bot.nlu.linear.LinearResponseSelector) serves them, so the warning is wrong here.
export TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONWARNINGS="ignore::DeprecationWarning,ignore:You have defined training data with examples for training a response selector"
export RASA_TELEMETRY_ENABLED=false

log() { printf '\033[1m[digiwijzer]\033[0m %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Hash of the files that decide whether a retrain is needed.
training_fingerprint() {
  (cd "$ROOT" && find data domain.yml config.yml -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
