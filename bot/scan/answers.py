"""Mapping an entrepreneur's answer to one of a question's letters A-F.

Three ways in, tried in this order by the form validation:

1. an explicit choice: a letter ("c", "optie C"), a number 1-6 ("3") or an ordinal
   ("de derde"), see `explicit_letter`;
2. free text ("we doen alles nog op papier"), mapped by `AnswerMapper` in the
   context of the question being asked. When the mapper is unsure it does not
   guess: `Decision.letter` is None and `Decision.candidates` holds the two most
   likely letters, which the bot offers as two buttons.

The mapper learns from the scan answers in the NLU training data
(`data/nlu/scan_answers_*.yml`, intent `inform` with metadata `scan_vraag` and
`scan_antwoord`) plus the option texts of the content file.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt
import yaml

from bot.nlu.encoder import Vectors
from bot.scan.content import LETTERS, ScanContent, get_content
from bot.text import normalise

REPO_ROOT = Path(__file__).resolve().parents[2]
ANSWER_DATA_GLOB = "data/nlu/scan_answers_*.yml"
HOLDOUT_DIR = REPO_ROOT / "tests" / "nlu_holdout"
"""Held-out NLU examples (never trained on); see scripts/split_holdout.py."""

_NUMBER_WORDS = {
    "een": 1, "één": 1, "eerste": 1, "twee": 2, "tweede": 2, "drie": 3, "derde": 3,
    "vier": 4, "vierde": 4, "vijf": 5, "vijfde": 5, "zes": 6, "zesde": 6, "laatste": 6,
}  # fmt: skip
_CHOICE = r"(?:[a-f]|[1-6]|eerste|tweede|derde|vierde|vijfde|zesde|laatste|twee|drie|vier|vijf|zes)"
_LEAD = (
    r"(?:(?:ik\s+)?(?:kies|neem|denk|zou\s+zeggen|ga\s+voor|bedoel(?:de)?)\s+|doe\s+maar\s+|die\s+van\s+)?"
    r"(?:(?:het|de)\s+)?(?:(?:optie|antwoord|letter|nummer|keuze)\s+)?(?:nummer\s+)?"
)
_EXPLICIT = re.compile(
    rf"^{_LEAD}(?P<choice>{_CHOICE})(?:\s+(?:optie|antwoord))?(?:\s+(?:denk\s+ik|graag|dus|maar|toch|eigenlijk))?$"
)


def explicit_letter(text: str) -> str | None:
    """Return the letter a message chooses explicitly, or None.

    Understands "C", "c.", "optie c", "antwoord C", "ik kies d", "3", "nummer 3",
    "de derde" and "de laatste". Free text that merely contains a letter ("a la
    carte") is not a choice.
    """
    cleaned = normalise(text)
    match = _EXPLICIT.match(cleaned)
    if not match:
        return None
    choice = match.group("choice")
    if choice in "abcdef":
        return choice.upper()
    number = int(choice) if choice.isdigit() else _NUMBER_WORDS[choice]
    return LETTERS[number - 1]


@dataclass(frozen=True)
class Example:
    """One labelled answer: text, question id and letter."""

    question: str
    letter: str
    text: str


def read_examples(paths: Iterable[Path]) -> list[Example]:
    """Read labelled answers from Rasa NLU files with `scan_vraag`/`scan_antwoord` metadata.

    Blocks without that metadata are ignored.

    Raises:
        ValueError: a block has an invalid letter; the message names the file.

    """
    examples: list[Example] = []
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu", []):
            meta = block.get("metadata") or {}
            question, letter = meta.get("scan_vraag"), meta.get("scan_antwoord")
            if question is None:
                continue
            if letter not in LETTERS:
                raise ValueError(f"{path}: block for '{question}' has invalid scan_antwoord {letter!r}")
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append(Example(str(question), letter, line[2:].strip()))
    return examples


def training_files(root: Path = REPO_ROOT) -> list[Path]:
    """The NLU files that hold labelled scan answers."""
    return sorted(root.glob(ANSWER_DATA_GLOB))


def holdout_files() -> list[Path]:
    """The held-out copies of those files."""
    return sorted(HOLDOUT_DIR.glob(Path(ANSWER_DATA_GLOB).name))


Encoder = Callable[[Sequence[str]], Vectors]
"""Maps texts to L2-normalised sentence vectors, shape (len(texts), dim)."""


@dataclass(frozen=True)
class Decision:
    """What the mapper concluded for one answer.

    Attributes:
        letter: the chosen letter, or None when unsure or off topic.
        candidates: letters ranked by probability (most likely first).
        probabilities: the probability of each candidate, same order.
        off_topic: the text resembles no known answer to this question at all.
    """

    letter: str | None
    candidates: tuple[str, ...]
    probabilities: tuple[float, ...]
    off_topic: bool = False

    @property
    def best(self) -> str:
        """The most likely letter, whether or not the mapper is sure of it."""
        return self.candidates[0]


@dataclass(frozen=True)
class Thresholds:
    """When the mapper is sure enough to choose.

    It chooses when the top probability is at least `min_probability` and leads the
    second by at least `min_margin`. A text whose sentence vector has a cosine
    similarity below `min_similarity` to every known answer of the question is off
    topic (on the held-out split: 0.1% of real answers, about a third of off-topic
    messages, FAQ and chitchat).
    """

    min_probability: float = 0.45
    min_margin: float = 0.15
    min_similarity: float = 0.35


class _QuestionModel:
    """Multinomial logistic regression over character n-grams, words and sentence vectors."""

    def __init__(self, texts: list[str], letters: list[str], vectors: Vectors) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=normalise)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=normalise)
        self.chars.fit(texts)
        self.words.fit(texts)
        self.model = LogisticRegression(C=_C, max_iter=3000)
        self.model.fit(self._features(texts, vectors), letters)
        self.classes: list[str] = [str(c) for c in self.model.classes_]

    def _features(self, texts: Sequence[str], vectors: Vectors) -> Any:
        from scipy.sparse import csr_matrix, hstack

        parts = [self.chars.transform(texts), self.words.transform(texts) * _WORD_WEIGHT]
        return hstack([*parts, csr_matrix(vectors * _VECTOR_WEIGHT)]).tocsr()

    def probabilities(self, texts: Sequence[str], vectors: Vectors) -> npt.NDArray[np.float64]:
        return np.asarray(self.model.predict_proba(self._features(list(texts), vectors)))


_VECTOR_WEIGHT = 0.7
_WORD_WEIGHT = 1.0
_C = 10.0


class AnswerMapper:
    """Maps free-text answers to letters, one classifier per question."""

    def __init__(
        self,
        content: ScanContent,
        examples: Sequence[Example],
        encoder: Encoder,
        thresholds: Thresholds | None = None,
    ) -> None:
        """Train a classifier for each question of `content`.

        Args:
            content: the scan content; each option text also counts as an example.
            examples: labelled answers (see `read_examples`).
            encoder: sentence encoder.
            thresholds: when a decision is sure enough.

        Raises:
            ValueError: a question has no example for some letter, or an example
                names an unknown question.

        """
        self.encoder = encoder
        self.thresholds = thresholds or Thresholds()
        known = {q.id for q in content.questions}
        unknown = sorted({e.question for e in examples} - known)
        if unknown:
            raise ValueError(f"answer examples name unknown questions: {', '.join(unknown)}")

        texts_by_q: dict[str, list[str]] = {q.id: [] for q in content.questions}
        letters_by_q: dict[str, list[str]] = {q.id: [] for q in content.questions}
        for question in content.questions:
            for letter, option in question.options.items():
                texts_by_q[question.id].append(option)
                letters_by_q[question.id].append(letter)
        for example in examples:
            texts_by_q[example.question].append(example.text)
            letters_by_q[example.question].append(example.letter)

        all_texts = [t for q in content.questions for t in texts_by_q[q.id]]
        all_vectors = encoder(all_texts)
        self._models: dict[str, _QuestionModel] = {}
        self._known: dict[str, Vectors] = {}
        start = 0
        for question in content.questions:
            texts = texts_by_q[question.id]
            vectors = all_vectors[start : start + len(texts)]
            start += len(texts)
            self._models[question.id] = _QuestionModel(texts, letters_by_q[question.id], vectors)
            self._known[question.id] = vectors

    def rank(self, question_id: str, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Rank the letters for each text, most likely first."""
        return [ranking for ranking, _ in self._rank(question_id, texts)]

    def _rank(self, question_id: str, texts: Sequence[str]) -> list[tuple[list[tuple[str, float]], float]]:
        """Rankings plus each text's highest similarity to a known answer."""
        model = self._models[question_id]
        vectors = self.encoder(list(texts))
        probs = model.probabilities(texts, vectors)
        similarity = (vectors @ self._known[question_id].T).max(axis=1)
        out = []
        for row, sim in zip(probs, similarity):
            order = np.argsort(-row)
            out.append(([(model.classes[i], float(row[i])) for i in order], float(sim)))
        return out

    def decide(self, question_id: str, text: str) -> Decision:
        """Map one free-text answer for a question; None as letter when unsure or off topic."""
        [(ranking, similarity)] = self._rank(question_id, [text])
        (first, p1), (_, p2) = ranking[0], ranking[1]
        off_topic = similarity < self.thresholds.min_similarity
        sure = not off_topic and p1 >= self.thresholds.min_probability and p1 - p2 >= self.thresholds.min_margin
        return Decision(
            letter=first if sure else None,
            candidates=tuple(letter for letter, _ in ranking),
            probabilities=tuple(p for _, p in ranking),
            off_topic=off_topic,
        )


_mapper_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _trained_mapper() -> AnswerMapper:
    from bot.nlu.encoder import encode

    return AnswerMapper(get_content(), read_examples(training_files()), encode)


def default_mapper() -> AnswerMapper:
    """The bot's mapper, trained once per process on the repository's answer data."""
    with _mapper_lock:
        return _trained_mapper()


_warm_up: threading.Thread | None = None

# Called (without arguments) by the warm-up thread once the mapper is trained; the action
# server's launcher adds one that freezes the garbage collector (bot/serve.py).
after_warm_up: list[Callable[[], None]] = []


def _warm_up_then_hooks() -> None:
    default_mapper()
    for hook in after_warm_up:
        hook()


def warm_up_in_background() -> threading.Thread:
    """Train the default mapper in a daemon thread, so that the first answer is fast."""
    global _warm_up
    thread = threading.Thread(target=_warm_up_then_hooks, name="answer-mapper-warm-up", daemon=True)
    thread.start()
    _warm_up = thread
    return thread


def _finish_warm_up_before_fork() -> None:
    """Let a running warm-up finish before this process forks.

    The action server with ``ACTION_SERVER_SANIC_WORKERS`` > 1 forks its workers right after importing the
    actions, while the warm-up is still training. A worker forked then would inherit ``_mapper_lock`` held
    by a thread that does not exist in it, and its first free-text answer would wait forever. Waiting
    here (a few seconds, once) also lets every worker share the trained mapper instead of training its own.
    """
    thread = _warm_up
    if thread is not None and thread.is_alive() and thread is not threading.current_thread():
        thread.join()


# Before-fork hooks run in reverse order of registration, and `logging` takes its module
# lock in one of its own. The warm-up may log (sklearn gets a logger at import), so this
# hook must run while that lock is free: it is registered after logging's, which the
# import of `logging` at the top of this module guarantees whoever imports this first.
logger = logging.getLogger(__name__)
os.register_at_fork(before=_finish_warm_up_before_fork)


_QUESTION_REFERENCE = re.compile(r"\bvraag\s+\d\b")
_CORRECTION_LEAD = re.compile(
    r"\b(?:bedoel(?:de)?\s+ik|moet\s+(?:het\s+)?zijn|moest|had\s+(?:ik\s+)?moeten\s+zijn|"
    r"is\s+(?:het\s+)?eigenlijk|wordt|kies\s+ik|wil\s+ik)\b(?P<rest>.*)$"
)


def correction_letter(text: str) -> str | None:
    """The letter named in a correction like "nee, bij de vorige vraag bedoelde ik C".

    Returns the letter only when the message names exactly one (a single letter
    A-F, or failing that a single number 1-6; "vraag 3" is not an answer).
    """
    tokens = _QUESTION_REFERENCE.sub(" ", normalise(text)).split()
    letters = {t.upper() for t in tokens if len(t) == 1 and t in "abcdef"}
    if len(letters) == 1:
        return letters.pop()
    if letters:
        return None
    numbers = {t for t in tokens if len(t) == 1 and t in "123456"}
    return LETTERS[int(numbers.pop()) - 1] if len(numbers) == 1 else None


def correction_text(text: str) -> str | None:
    """The free-text answer in a correction ("… bedoelde ik dat alles op papier gaat"), if any."""
    match = _CORRECTION_LEAD.search(normalise(text))
    if not match:
        return None
    rest = match.group("rest").strip()
    return rest if len(rest.split()) >= 2 else None
