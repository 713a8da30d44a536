"""Measure location and size understanding on sentences written by people who never saw the data.

Reads `tests/firm_eval/location_*.tsv` (text, gemeente, provincie; `-` none, `?` ambiguous)
and `tests/firm_eval/size_*.tsv` (text, aantal; `-` none) and prints the share right and
every miss. Usage: python scripts/firm_eval.py [FILE...]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.firm.location import Location, gazetteer  # noqa: E402
from bot.firm.size import parse_headcount  # noqa: E402

EVAL_DIR = ROOT / "tests" / "firm_eval"


def location_outcome(location: Location) -> tuple[str, str]:
    """(gemeente, provincie) in the notation of the evaluation files."""
    if location.ambiguous:
        return "?", location.province or "?"
    if location.municipality:
        return location.municipality.name, location.municipality.province
    return "-", location.province or "-"


def location_right(expected: tuple[str, str], got: tuple[str, str]) -> bool:
    """Right when the municipality matches; for ambiguous and province-only, when the outcome kind matches."""
    if expected[0] == "?":
        return got[0] == "?"
    return got == expected


def misses(path: Path) -> tuple[list[str], int]:
    """The misses in one evaluation file (a line each) and the number of sentences."""
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    missed = []
    for row in rows:
        if "aantal" in row:
            got_size = parse_headcount(row["text"])
            expected_size = None if row["aantal"].strip() == "-" else int(row["aantal"])
            ok = got_size == expected_size
            shown = f"{got_size} (expected {expected_size})"
        else:
            got = location_outcome(gazetteer().locate(row["text"]))
            expected = (row["gemeente"].strip(), row["provincie"].strip())
            ok = location_right(expected, got)
            shown = f"{got} (expected {expected})"
        if not ok:
            missed.append(f"{row['text']!r}: {shown}")
    return missed, len(rows)


def run(path: Path) -> tuple[int, int]:
    """Score one file and print its misses; returns (right, total)."""
    missed, total = misses(path)
    for line in missed:
        print(f"  MISS {line}")
    right = total - len(missed)
    print(f"{path.name}: {right}/{total} = {right / total:.1%}")
    return right, total


if __name__ == "__main__":
    files = [Path(a) for a in sys.argv[1:]] or sorted(EVAL_DIR.glob("*.tsv"))
    for file in files:
        run(file)
