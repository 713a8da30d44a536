"""Where is the firm? Municipality (CBS name) and province from free Dutch text.

A first, dictionary-based version for the loket issue: it understands a municipality
("Emmen"), a place inside one ("Beilen" → Midden-Drenthe), everyday names ("Den Haag"),
a 4-digit postcode ("7811" → Emmen), a province only ("ergens in Drenthe"), small typos
("Hoogeeven") and sentences around them. A name shared by several municipalities
("Hengelo", "Bergen") gives all candidates, so that the bot can ask which one; an
unknown name gives nothing, never a guess.

Data (public facts, see `data/SOURCES.md`): CBS municipalities 2025, BAG woonplaatsen,
PDOK postcode-to-municipality.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from bot.text import normalise

DATA_DIR = Path(__file__).with_name("data")

# Everyday names that are not the CBS or BAG name.
ALIASES: dict[str, str] = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "s hertogenbosch": "'s-Hertogenbosch",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
}
PROVINCE_ALIASES: dict[str, str] = {"friesland": "Fryslân", "fryslan": "Fryslân"}
_BAG_SUFFIX = re.compile(r"\s*(?:\((?:[a-z.]+)\)|\b(?:gn|l|nh|nb|gld|ut|ac|zh|o)\.?|\bgem\.? \w+|\bca)$")
_MIN_FUZZY_LENGTH = 6


@dataclass(frozen=True)
class Municipality:
    """A CBS municipality."""

    code: str
    name: str
    province: str


@dataclass(frozen=True)
class Location:
    """What a text says about where the firm is.

    Attributes:
        municipalities: candidate municipalities (one: certain; several: ask which one).
        province: the province, when known (from the municipality or named alone).
    """

    municipalities: tuple[Municipality, ...]
    province: str | None

    @property
    def municipality(self) -> Municipality | None:
        """The municipality, when exactly one candidate remains."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Several municipalities fit the name."""
        return len(self.municipalities) > 1


class Gazetteer:
    """Names of municipalities, places, provinces and postcodes, folded for matching."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        """Load the three CSV files from `data_dir`."""
        self.by_code: dict[str, Municipality] = {}
        with (data_dir / "gemeenten.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self.by_code[row["gemeentecode"]] = Municipality(
                    row["gemeentecode"], row["gemeentenaam"], row["provincie"]
                )
        self.names: dict[str, set[str]] = {}
        by_name = {m.name: m.code for m in self.by_code.values()}
        for m in self.by_code.values():
            self._add(m.name, m.code)
        with (data_dir / "woonplaatsen.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self._add(row["woonplaatsnaam"], row["gemeentecode"])
        for alias, name in ALIASES.items():
            self.names.setdefault(normalise(alias), set()).add(by_name[name])
        with (data_dir / "postcode4_gemeente.csv").open(encoding="utf-8") as f:
            self.postcodes = {row["postcode4"]: row["gemeentecode"] for row in csv.DictReader(f)}
        self.provinces = {normalise(p): p for p in {m.province for m in self.by_code.values()}}
        self.provinces.update(PROVINCE_ALIASES)
        self._max_words = max(len(name.split()) for name in self.names)

    def _add(self, name: str, code: str) -> None:
        folded = normalise(name)
        self.names.setdefault(folded, set()).add(code)
        bare = normalise(_BAG_SUFFIX.sub("", name.lower()))
        if bare and bare != folded:
            self.names.setdefault(bare, set()).add(code)

    def locate(self, text: str) -> Location:
        """Find the firm's location in `text` (see the module docstring)."""
        folded = normalise(text)
        postcode = re.search(r"\b([1-9]\d{3})\s?(?:[a-z]{2})?\b", folded)
        if postcode and postcode.group(1) in self.postcodes:
            return self._result({self.postcodes[postcode.group(1)]})

        tokens = folded.split()
        for size in range(min(self._max_words, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                phrase = " ".join(tokens[start : start + size])
                if phrase in self.names and phrase not in _STOPWORDS:
                    return self._result(self.names[phrase])
        for token in tokens:
            if token in self.provinces:
                return Location((), self.provinces[token])
        for token in tokens:
            if len(token) >= _MIN_FUZZY_LENGTH and token not in _STOPWORDS:
                close = difflib.get_close_matches(token, self.names.keys(), n=1, cutoff=0.85)
                if close:
                    return self._result(self.names[close[0]])
        return Location((), None)

    def _result(self, codes: set[str]) -> Location:
        municipalities = tuple(sorted((self.by_code[c] for c in codes), key=lambda m: m.name))
        provinces = {m.province for m in municipalities}
        return Location(municipalities, provinces.pop() if len(provinces) == 1 else None)


# Folded words that are also place names but mostly mean something else in a sentence.
_STOPWORDS = frozenset(
    {
        "de", "het", "een", "en", "in", "op", "bij", "ons", "wij", "we", "zitten", "grens", "buurt", "best",
        "echt", "ee", "oost", "west", "noord", "zuid", "made", "son", "wijk", "nes", "born", "ter", "vlak",
        "eind", "heer", "hoek", "kring", "paal", "veen", "weg", "zand", "oosten", "westen", "noorden", "zuiden",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer()
