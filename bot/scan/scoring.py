"""Scoring the zelfscan: phase, ties and focus topics (pure functions).

Rules (Bijlage 2, Stap 2):
- The phase is the letter chosen most often. On a tie the lowest tied letter wins
  ("Twijfel je? Kies dan het laagste"), and the result says the firm is between
  the tied phases.
- Focus topics are the questions with the lowest letter, in scan order, at most
  `ScanContent.max_focus` of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from bot.scan.content import LETTERS, Phase, Question, ScanContent, Subsidy


class IncompleteScan(ValueError):
    """Not every question has a valid answer letter."""


@dataclass(frozen=True)
class ScanResult:
    """The outcome of a completed scan."""

    phase: Phase
    between: tuple[Phase, ...]
    """All tied phases (lowest first) when several letters were chosen equally often."""
    focus: tuple[Question, ...]
    focus_letter: str
    subsidy: Subsidy | None
    counts: Mapping[str, int]


def tied_letters(answers: Mapping[str, str]) -> tuple[str, ...]:
    """The letters chosen most often, lowest first.

    Args:
        answers: answer letter per question id.

    """
    counts = Counter(answers.values())
    top = max(counts.values())
    return tuple(sorted(letter for letter, n in counts.items() if n == top))


def score(content: ScanContent, answers: Mapping[str, str]) -> ScanResult:
    """Score a completed scan.

    Args:
        content: the scan content.
        answers: answer letter (A-F) per question id, for every question.

    Raises:
        IncompleteScan: a question has no answer or an invalid letter.

    """
    missing = [q.id for q in content.questions if answers.get(q.id) not in LETTERS]
    if missing:
        raise IncompleteScan(f"no valid answer for: {', '.join(missing)}")
    ordered = {q.id: answers[q.id] for q in content.questions}

    tied = tied_letters(ordered)
    phase = content.phase_for_letter(tied[0])
    between = tuple(content.phase_for_letter(letter) for letter in tied) if len(tied) > 1 else ()

    lowest = min(ordered.values())
    focus = tuple(q for q in content.questions if ordered[q.id] == lowest)[: content.max_focus]

    return ScanResult(
        phase=phase,
        between=between,
        focus=focus,
        focus_letter=lowest,
        subsidy=content.subsidy_for_phase(phase.id),
        counts=dict(Counter(ordered.values())),
    )
