"""Move 20% of the NLU examples into a held-out set (run once, when data is added).

Held-out examples live in tests/nlu_holdout/, which `rasa train` never reads; they
measure intent accuracy and answer-mapping accuracy on text the models never saw.
The choice is deterministic: an example is held out when the SHA-1 of its lower-cased
text falls in the lowest fifth. Usage: python scripts/split_holdout.py FILE...
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT_DIR = ROOT / "tests" / "nlu_holdout"


def held_out(text: str) -> bool:
    """True for about one example in five, decided by the text alone."""
    return int(hashlib.sha1(text.lower().encode("utf-8")).hexdigest(), 16) % 5 == 0


def dump(blocks: list[dict[str, Any]], header: str) -> str:
    out = [header.rstrip(), 'version: "3.1"', "nlu:"]
    for block in blocks:
        if not block["examples"]:
            continue
        out.append(f"  - intent: {block['intent']}")
        if block.get("metadata"):
            out.append("    metadata:")
            out.extend(f"      {k}: {v}" for k, v in block["metadata"].items())
        out.append("    examples: |")
        out.extend(f"      - {e}" for e in block["examples"])
    return "\n".join(out).lstrip("\n") + "\n"


def split(path: Path) -> tuple[int, int]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
    train, test = [], []
    for block in doc["nlu"]:
        examples = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
        base = {"intent": block["intent"], "metadata": block.get("metadata")}
        train.append({**base, "examples": [e for e in examples if not held_out(e)]})
        test.append({**base, "examples": [e for e in examples if held_out(e)]})
    path.write_text(dump(train, header), encoding="utf-8")
    HOLDOUT_DIR.mkdir(parents=True, exist_ok=True)
    target = HOLDOUT_DIR / path.name
    note = f"# Held out from data/nlu/{path.name}: never used in training.\n"
    target.write_text(dump(test, note), encoding="utf-8")
    return sum(len(b["examples"]) for b in train), sum(len(b["examples"]) for b in test)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        n_train, n_test = split(Path(name))
        print(f"{name}: {n_train} train, {n_test} held out")
