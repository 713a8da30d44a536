"""Turning scan content into chat elements: buttons and the fill-ins of domain responses.

The sentences themselves are domain responses (`domain.yml`); this module only
supplies their variables and the buttons, all taken from the content file.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from bot.scan.content import LETTERS, Phase, Question, ScanContent
from bot.scan.scoring import ScanResult

ANSWER_ENTITY = "scan_antwoord"
"""The entity a button payload carries the chosen letter in."""


def answer_payload(letter: str) -> str:
    """The payload of the button for an answer letter."""
    return "/inform" + json.dumps({ANSWER_ENTITY: letter}, separators=(",", ":"))


def option_label(question: Question, letter: str) -> str:
    """An option as shown to the entrepreneur: "C. We gebruiken meerdere systemen, …"."""
    return f"{letter}. {question.options[letter]}"


def option_buttons(question: Question, letters: Iterable[str] = LETTERS) -> list[dict[str, Any]]:
    """Buttons for a question's options (all six, or only the given letters)."""
    return [{"title": option_label(question, letter), "payload": answer_payload(letter)} for letter in letters]


def question_fill(content: ScanContent, question: Question) -> dict[str, Any]:
    """Variables for `utter_ask_scan_vraag`."""
    return {
        "nummer": question.number,
        "totaal": len(content.questions),
        "titel": question.title,
        "vraag": question.prompt,
    }


def join_names(names: list[str]) -> str:
    """Dutch enumeration: "A", "A en B", "A, B en C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def phase_fill(result: ScanResult) -> dict[str, Any]:
    """Variables for `utter_scan_fase` and `utter_scan_fase_tussen`."""
    phase: Phase = result.phase
    return {
        "fase_naam": phase.name,
        "betekenis": phase.meaning.lower(),
        "actie": phase.action,
        "fases": join_names([p.name for p in result.between]) if result.between else "",
    }


def focus_fill(result: ScanResult) -> dict[str, Any]:
    """Variables for `utter_scan_focus`: one line per focus topic with its next step."""
    lines = [f"• {q.title}: {q.next_step(result.focus_letter)}" for q in result.focus]
    return {"focus": "\n".join(lines)}
