"""Loading and validating the zelfscan content file (`bot/scan/zelfscan.yml`).

The content file is the single source of the scan's questions, options, advice per
band, phases and subsidies. Everything the bot says about the scan is generated from
or checked against the objects this module returns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

CONTENT_PATH = Path(__file__).with_name("zelfscan.yml")

LETTERS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F")
BANDS: dict[str, str] = {"A": "AB", "B": "AB", "C": "CD", "D": "CD", "E": "EF", "F": "EF"}
SHORT_TITLE_MAX = 24
"""WhatsApp's limit for a list-row title; `kort` and `kort_opties` must fit it."""


class ContentError(ValueError):
    """The content file is missing, malformed or incomplete.

    The message names the file and the field that is wrong.
    """


@dataclass(frozen=True)
class Question:
    """One scan question with its six options and the advice per band."""

    id: str
    number: int
    title: str
    short_title: str
    prompt: str
    options: Mapping[str, str]
    short_options: Mapping[str, str]
    next_steps: Mapping[str, str]

    @property
    def slot(self) -> str:
        """The form slot that holds this question's answer."""
        return f"scan_{self.id}"

    def next_step(self, letter: str) -> str:
        """The "Volgende stap" advice for an answer letter."""
        return self.next_steps[BANDS[letter]]


@dataclass(frozen=True)
class Phase:
    """One step of the digitale volwassenheidsladder."""

    id: str
    letter: str
    name: str
    meaning: str
    action: str


@dataclass(frozen=True)
class Subsidy:
    """A subsidy that may fit firms in some phases (an indication)."""

    id: str
    name: str
    purpose: str
    phases: tuple[str, ...]


@dataclass(frozen=True)
class ScanContent:
    """The whole zelfscan: questions in order, phases per letter, subsidies."""

    duration: str
    max_focus: int
    questions: tuple[Question, ...]
    phases: tuple[Phase, ...]
    subsidies: tuple[Subsidy, ...]

    def question(self, question_id: str) -> Question:
        """Return the question with this id.

        Raises:
            KeyError: no question has this id.

        """
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def question_for_slot(self, slot: str) -> Question | None:
        """Return the question whose form slot is `slot`, or None."""
        for question in self.questions:
            if question.slot == slot:
                return question
        return None

    @property
    def slots(self) -> tuple[str, ...]:
        """The form slots in the order the questions are asked."""
        return tuple(q.slot for q in self.questions)

    def phase_for_letter(self, letter: str) -> Phase:
        """Return the phase that belongs to an answer letter."""
        for phase in self.phases:
            if phase.letter == letter:
                return phase
        raise KeyError(letter)

    def phase(self, phase_id: str) -> Phase:
        """Return the phase with this id."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def subsidy_for_phase(self, phase_id: str) -> Subsidy | None:
        """Return the subsidy that may fit a phase, if any."""
        for subsidy in self.subsidies:
            if phase_id in subsidy.phases:
                return subsidy
        return None


class _Reader:
    """Reads typed fields from parsed YAML and names the field when one is wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(f"{self.path}: field '{field}': {problem}")

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a mapping")
        return value

    def sequence(self, value: Any, field: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(field, "must be a non-empty list")
        return value

    def text(self, data: Mapping[str, Any], key: str, field: str, max_len: int = 0) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{field}.{key}", "must be a non-empty text")
        if max_len and len(value) > max_len:
            raise self.fail(f"{field}.{key}", f"is {len(value)} characters, at most {max_len}")
        return value.strip()

    def letter_map(
        self, data: Mapping[str, Any], key: str, field: str, keys: tuple[str, ...], max_len: int = 0
    ) -> dict[str, str]:
        value = self.mapping(data.get(key), f"{field}.{key}")
        if set(value) != set(keys):
            raise self.fail(f"{field}.{key}", f"must have exactly the keys {', '.join(keys)}")
        return {k: self.text(value, k, f"{field}.{key}", max_len) for k in keys}


def parse_content(raw: Any, path: Path) -> ScanContent:
    """Build and validate `ScanContent` from parsed YAML.

    Args:
        raw: the parsed YAML document.
        path: the file it came from, used in error messages.

    Raises:
        ContentError: a field is missing or wrong; the message names file and field.

    """
    r = _Reader(path)
    doc = r.mapping(raw, "(document)")

    questions = []
    seen: set[str] = set()
    for i, item in enumerate(r.sequence(doc.get("vragen"), "vragen")):
        field = f"vragen[{i}]"
        q = r.mapping(item, field)
        qid = r.text(q, "id", field)
        if not qid.isidentifier() or qid in seen:
            raise r.fail(f"{field}.id", f"'{qid}' must be a unique identifier")
        seen.add(qid)
        questions.append(
            Question(
                id=qid,
                number=i + 1,
                title=r.text(q, "titel", field),
                short_title=r.text(q, "kort", field, SHORT_TITLE_MAX),
                prompt=r.text(q, "vraag", field),
                options=r.letter_map(q, "opties", field, LETTERS),
                short_options=r.letter_map(q, "kort_opties", field, LETTERS, SHORT_TITLE_MAX),
                next_steps=r.letter_map(q, "volgende_stap", field, ("AB", "CD", "EF")),
            )
        )

    phases = []
    for i, item in enumerate(r.sequence(doc.get("fases"), "fases")):
        field = f"fases[{i}]"
        p = r.mapping(item, field)
        phases.append(
            Phase(
                id=r.text(p, "id", field),
                letter=r.text(p, "letter", field),
                name=r.text(p, "naam", field),
                meaning=r.text(p, "betekenis", field),
                action=r.text(p, "actie", field),
            )
        )
    if tuple(p.letter for p in phases) != LETTERS:
        raise r.fail("fases", "must list one phase per letter, in the order A to F")
    phase_ids = {p.id for p in phases}
    if len(phase_ids) != len(phases):
        raise r.fail("fases", "phase ids must be unique")

    subsidies = []
    for i, item in enumerate(r.sequence(doc.get("subsidies"), "subsidies")):
        field = f"subsidies[{i}]"
        s = r.mapping(item, field)
        fases = r.sequence(s.get("fases"), f"{field}.fases")
        for fase in fases:
            if fase not in phase_ids:
                raise r.fail(f"{field}.fases", f"unknown phase '{fase}'")
        subsidies.append(
            Subsidy(
                id=r.text(s, "id", field),
                name=r.text(s, "naam", field),
                purpose=r.text(s, "doel", field),
                phases=tuple(fases),
            )
        )

    max_focus = doc.get("max_focus")
    if not isinstance(max_focus, int) or isinstance(max_focus, bool) or max_focus < 1:
        raise r.fail("max_focus", "must be a positive whole number")

    return ScanContent(
        duration=r.text(doc, "invultijd", "(document)"),
        max_focus=max_focus,
        questions=tuple(questions),
        phases=tuple(phases),
        subsidies=tuple(subsidies),
    )


def load_content(path: Path = CONTENT_PATH) -> ScanContent:
    """Read and validate a content file.

    Raises:
        ContentError: the file is missing, not YAML, or a field is wrong.

    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot read the content file ({exc.strerror})") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML ({exc})") from exc
    return parse_content(raw, path)


@functools.lru_cache(maxsize=1)
def get_content() -> ScanContent:
    """The bot's scan content, loaded once per process."""
    return load_content()
