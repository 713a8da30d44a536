"""Training benchmark: from scratch, then after a change to NLU data only.

Copies the training files (data/, domain.yml, config.yml) to a temporary project with
an empty Rasa training cache, trains once from scratch, then adds one example to an NLU
file and trains again with the same cache. Reports both wall times and, from Rasa's own
log, which components were trained again and which were restored from the cache. After
an NLU-only change the dialogue policies must come from the cache; the script exits 1
when one of them was retrained, so the claim can be checked by running it.

This is a benchmark, not a test: nothing is asserted on time.

Usage:
    .venv/bin/python bench/retrain.py            # about 2-3 minutes from scratch, then the retrain
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
OUT_DIR = ROOT / "bench" / "out"
POLICIES = ("MemoizationPolicy", "RulePolicy", "HandoffPolicy")
TRAINED = re.compile(r"Starting to train component '(\w+)'")
RESTORED = re.compile(r"Restored component '(\w+)' from cache")
CHANGED_FILE = Path("data/nlu/general.yml")
NEW_EXAMPLE = "      - goedemiddag samen\n"  # added to the first examples block (greet)


def train(project: Path, cache: Path, name: str) -> dict[str, object]:
    """Runs `rasa train` in `project`; returns its wall time and the trained/restored components."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_CACHE_DIRECTORY": str(cache), "TF_CPP_MIN_LOG_LEVEL": "3",
           "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--out", "models", "--fixed-model-name", name],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"rasa train failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    log = done.stdout + done.stderr
    return {"seconds": round(seconds, 1), "trained": TRAINED.findall(log), "restored": RESTORED.findall(log)}


def add_nlu_example(project: Path) -> None:
    path = project / CHANGED_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip() == "examples: |")
    lines.insert(first + 1, NEW_EXAMPLE)
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="digiwijzer-retrain-") as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        shutil.copytree(ROOT / "data", project / "data")
        for name in ("domain.yml", "config.yml"):
            shutil.copy2(ROOT / name, project / name)
        (project / "build").symlink_to(ROOT / "build")  # the spaCy pipeline config.yml names
        cache = Path(tmp) / "cache"

        scratch = train(project, cache, "scratch")
        add_nlu_example(project)
        nlu_only = train(project, cache, "nlu_change")

    retrained_policies = [p for p in POLICIES if p in nlu_only["trained"]]  # type: ignore[operator]
    result = {"from_scratch": scratch, "after_nlu_change": nlu_only, "retrained_policies": retrained_policies}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"retrain-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")

    print(f"training from scratch      {scratch['seconds']:7.1f} s")
    print(f"after an NLU-only change   {nlu_only['seconds']:7.1f} s")
    print(f"  trained again:  {', '.join(nlu_only['trained']) or '-'}")  # type: ignore[arg-type]
    print(f"  from the cache: {', '.join(nlu_only['restored']) or '-'}")  # type: ignore[arg-type]
    print(f"JSON: {out}")
    if retrained_policies:
        print(f"NOT OK: policies trained again after an NLU-only change: {', '.join(retrained_policies)}")
        sys.exit(1)
    print("OK: an NLU-only change retrained no policy")


if __name__ == "__main__":
    main()
