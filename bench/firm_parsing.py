"""Benchmark the location and headcount parsers and the loket routing (action server).

Measures: gazetteer build (CSV files, spaCy phrase matcher, Dutch word list), registry
load, and the latency of one `locate()`, `parse_headcount()` and `route_firm()` call
(p50/p95/p99 over the evaluation sentences in tests/firm_eval/), plus peak resident memory.
Usage: .venv/bin/python bench/firm_parsing.py
"""

from __future__ import annotations

import csv
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.firm.location import Gazetteer  # noqa: E402
from bot.firm.size import parse_headcount  # noqa: E402
from bot.loket.registry import load_registry  # noqa: E402
from bot.loket.routing import Firm, route_firm  # noqa: E402

EVAL_DIR = ROOT / "tests" / "firm_eval"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn, items) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name}: n={len(times)} p50 {percentile(times, 0.5):.2f} ms, p95 {percentile(times, 0.95):.2f} ms, "
        f"p99 {percentile(times, 0.99):.2f} ms"
    )


def main() -> None:
    t0 = time.perf_counter()
    places = Gazetteer()
    print(f"gazetteer build: {time.perf_counter() - t0:.2f} s ({len(places.names)} names)")
    t0 = time.perf_counter()
    registry = load_registry()
    print(f"registry load and validation: {(time.perf_counter() - t0) * 1000:.0f} ms")

    locations = [r["text"] for p in EVAL_DIR.glob("location_*.tsv") for r in csv.DictReader(p.open(), delimiter="\t")]
    sizes = [r["text"] for p in EVAL_DIR.glob("size_*.tsv") for r in csv.DictReader(p.open(), delimiter="\t")]
    report("locate()", timed(places.locate, locations))
    report("parse_headcount()", timed(parse_headcount, sizes))
    firms = [Firm(m.name, m.province, n) for m in places.by_code.values() for n in (1, 10, 300)]
    report("route_firm()", timed(lambda firm: route_firm(registry, firm), firms))
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
