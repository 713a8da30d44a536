"""Reading the scan questions (zelfscan.yml), the lokets (lokets.yml) and ready-made replies.

Only what the console shows is read: question titles and options, phase names, loket
ids and names. The bot owns these files; the console never writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file does not have the expected shape."""


@dataclass(frozen=True)
class Vraag:
    """One scan question: id, heading and the options A-F in words."""

    id: str
    titel: str
    opties: dict[str, str]


@dataclass(frozen=True)
class Onderwerp:
    """One scan topic as shown in the console."""

    titel: str
    letter: str | None
    antwoord: str | None
    focus: bool


@dataclass(frozen=True)
class ScanInfo:
    """Questions and phases of the zelfscan."""

    vragen: tuple[Vraag, ...]
    fases: dict[str, str]

    @property
    def vraag_ids(self) -> frozenset[str]:
        """The question ids."""
        return frozenset(v.id for v in self.vragen)

    def onderwerpen(
        self, antwoorden: dict[str, Any] | None, focus: list[str] | None
    ) -> list[Onderwerp]:
        """Each topic with the chosen option in words (None when not answered)."""
        antwoorden = antwoorden or {}
        focus_set = set(focus or [])
        result = []
        for vraag in self.vragen:
            letter = antwoorden.get(vraag.id)
            letter = letter if isinstance(letter, str) else None
            result.append(
                Onderwerp(
                    titel=vraag.titel,
                    letter=letter,
                    antwoord=vraag.opties.get(letter) if letter else None,
                    focus=vraag.id in focus_set,
                )
            )
        return result

    def fase_naam(self, fase: str | None) -> str | None:
        """The display name of a phase id (the id itself when unknown)."""
        if fase is None:
            return None
        return self.fases.get(fase, fase)

    def titel(self, vraag_id: str) -> str:
        """The heading of a question id (the id itself when unknown)."""
        for vraag in self.vragen:
            if vraag.id == vraag_id:
                return vraag.titel
        return vraag_id


def _load(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read: {exc}") from exc


def load_scan(path: Path) -> ScanInfo:
    """Read ``vragen[].id/titel/opties`` and ``fases[].id/naam`` from zelfscan.yml."""
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("vragen"), list):
        raise DataFileError(f"{path}: expected a mapping with a 'vragen' list")
    vragen = []
    for i, item in enumerate(data["vragen"]):
        try:
            opties = {str(k): str(v) for k, v in item["opties"].items()}
            vragen.append(Vraag(id=str(item["id"]), titel=str(item["titel"]), opties=opties))
        except (KeyError, TypeError, AttributeError) as exc:
            raise DataFileError(f"{path}: vragen[{i}] lacks id, titel or opties") from exc
    fases = {}
    for item in data.get("fases") or []:
        if isinstance(item, dict) and "id" in item:
            fases[str(item["id"])] = str(item.get("naam", item["id"]))
    return ScanInfo(vragen=tuple(vragen), fases=fases)


def load_lokets(path: Path) -> dict[str, str]:
    """Read ``lokets[].id`` and ``lokets[].naam`` from lokets.yml, in file order."""
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("lokets"), list):
        raise DataFileError(f"{path}: expected a mapping with a 'lokets' list")
    lokets: dict[str, str] = {}
    for i, item in enumerate(data["lokets"]):
        if not isinstance(item, dict) or "id" not in item or "naam" not in item:
            raise DataFileError(f"{path}: lokets[{i}] lacks id or naam")
        lokets[str(item["id"])] = str(item["naam"])
    return lokets


def load_snelle_antwoorden(path: Path) -> list[str]:
    """Read the ready-made replies: a mapping with an ``antwoorden`` list of strings."""
    data = _load(path)
    items = data.get("antwoorden") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
        raise DataFileError(f"{path}: expected 'antwoorden': a list of non-empty texts")
    return [t.strip() for t in items]
