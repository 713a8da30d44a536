"""Benchmark the free-text answer mapper (runs in the action server).

Measures: cold start (USE model load + training the seven classifiers), latency of
one `decide()` call (encode + classify, p50/p95/p99 over the held-out answers), and the
process's peak resident memory. Usage: .venv/bin/python bench/answer_mapping.py
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu.encoder import encode  # noqa: E402
from bot.scan.answers import AnswerMapper, holdout_files, read_examples, training_files  # noqa: E402
from bot.scan.content import get_content  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    t0 = time.perf_counter()
    encode(["warm-up"])
    t_model = time.perf_counter() - t0
    examples = read_examples(training_files())
    t1 = time.perf_counter()
    mapper = AnswerMapper(get_content(), examples, encode)
    t_train = time.perf_counter() - t1

    held = read_examples(holdout_files())
    latencies = []
    for example in held:
        start = time.perf_counter()
        mapper.decide(example.question, example.text)
        latencies.append((time.perf_counter() - start) * 1000)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"USE model load: {t_model:.2f} s; training on {len(examples)} answers: {t_train:.2f} s")
    print(
        f"decide() over {len(latencies)} answers: p50 {statistics.median(latencies):.2f} ms, "
        f"p95 {percentile(latencies, 0.95):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms"
    )
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
