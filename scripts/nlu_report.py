"""Print the NLU quality figures for the README (held-out split only).

Answer mapping per question: top-1 accuracy, how often the bot is sure enough to
choose, and the accuracy when it is. Intent accuracy: from `rasa test nlu` on
tests/nlu_holdout (results/nlu/intent_report.json), when present.
Usage: python scripts/nlu_report.py [results/nlu]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scan.answers import default_mapper, holdout_files, read_examples  # noqa: E402
from bot.scan.content import get_content  # noqa: E402


def main(results: Path) -> None:
    mapper = default_mapper()
    examples = read_examples(holdout_files())
    print("| question | held-out answers | top-1 accuracy | sure | accuracy when sure |")
    print("|---|---|---|---|---|")
    totals = [0, 0, 0, 0]
    for q in get_content().questions:
        mine = [e for e in examples if e.question == q.id]
        decisions = [mapper.decide(q.id, e.text) for e in mine]
        ok = sum(d.best == e.letter for d, e in zip(decisions, mine))
        sure = [(d, e) for d, e in zip(decisions, mine) if d.letter]
        sure_ok = sum(d.letter == e.letter for d, e in sure)
        for i, v in enumerate((len(mine), ok, len(sure), sure_ok)):
            totals[i] += v
        print(
            f"| {q.number}. {q.title} | {len(mine)} | {ok / len(mine):.1%} | {len(sure) / len(mine):.1%} "
            f"| {sure_ok / max(len(sure), 1):.1%} |"
        )
    n, ok, s, sok = totals
    print(f"| **all** | {n} | **{ok / n:.1%}** | {s / n:.1%} | {sok / max(s, 1):.1%} |")

    report = results / "intent_report.json"
    if report.exists():
        data = json.loads(report.read_text())
        print(
            f"\nIntent accuracy on the held-out split: {data['accuracy']:.1%} "
            f"(weighted F1 {data['weighted avg']['f1-score']:.3f}, {data['weighted avg']['support']} messages)"
        )
        for name, v in sorted(data.items()):
            if isinstance(v, dict) and "f1-score" in v and name not in ("macro avg", "weighted avg", "micro avg"):
                print(f"- {name}: F1 {v['f1-score']:.2f} ({v['support']})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "results" / "nlu")
