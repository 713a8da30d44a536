"""Where is the firm? Municipality (CBS name) and province from free Dutch text.

It understands a municipality ("Emmen"), a place inside one ("Beilen" → Midden-Drenthe),
everyday names ("Den Haag"), a 4-digit postcode ("7811" → Emmen), a province only
("ergens in Drenthe", "provincie Utrecht"), small typos ("Hoogeeven") and sentences
around them ("werkplaats in Coevorden, vlak bij de grens"). A name shared by several
municipalities ("Hengelo", "Bergen") gives all candidates, so that the bot can ask which
one, unless the text also names the province ("Hengelo Overijssel"). An unknown name
gives nothing, never a guess.

How: a spaCy `PhraseMatcher` (tokenizer of `spacy.blank("nl")`) holds every municipality,
place, everyday alias and province name, folded (lower case, no accents, no punctuation).
Place names that are also ordinary Dutch words ("Leiden", "Best", "Winkel", "Putten"; the
words of spaCy's Dutch lemma table) count only after a place cue ("in Best", "vestiging
Putten") or as (nearly) the whole answer, so that "we zijn een winkel in Assen" is Assen.
Typos are matched with difflib on words that are not Dutch words.

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

import spacy
from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.text import normalise

DATA_DIR = Path(__file__).with_name("data")

# Everyday names that are not the CBS or BAG name.
ALIASES: dict[str, str] = {
    "den haag": "'s-Gravenhage",
    "the hague": "'s-Gravenhage",
    "s gravenhage": "'s-Gravenhage",
    "den bosch": "'s-Hertogenbosch",
    "s hertogenbosch": "'s-Hertogenbosch",
    "nuenen": "Nuenen, Gerwen en Nederwetten",
    "sudwest friesland": "Súdwest-Fryslân",
    "zuidwest friesland": "Súdwest-Fryslân",
    "alphen ad rijn": "Alphen aan den Rijn",
    "alphen a d rijn": "Alphen aan den Rijn",
    "bergen op zoom": "Bergen op Zoom",
    "capelle ad ijssel": "Capelle aan den IJssel",
    "capelle a d ijssel": "Capelle aan den IJssel",
    # City districts that are no BAG woonplaats of their own.
    "scheveningen": "'s-Gravenhage",
    "loosduinen": "'s-Gravenhage",
    "kijkduin": "'s-Gravenhage",
    "ypenburg": "'s-Gravenhage",
    "kralingen": "Rotterdam",
    "delfshaven": "Rotterdam",
    "feijenoord": "Rotterdam",
    "ommoord": "Rotterdam",
    "leidsche rijn": "Utrecht",
    "vathorst": "Amersfoort",
    "katwijk aan zee": "Katwijk",
    "katwijk aan den rijn": "Katwijk",
    "noordwijk aan zee": "Noordwijk",
    # Dutch names of Frisian municipalities.
    "tietjerksteradeel": "Tytsjerksteradiel",
    "dantumadeel": "Dantumadiel",
    "de friese meren": "De Fryske Marren",
    "noordoost friesland": "Noardeast-Fryslân",
}
# A place followed by one of these is abroad ("Hasselt, in België").
_ABROAD = frozenset({"belgie", "duitsland", "frankrijk", "buitenland", "vlaanderen", "engeland", "spanje", "polen"})
PROVINCE_ALIASES: dict[str, str] = {
    "friesland": "Fryslân",
    "fryslan": "Fryslân",
    "frysland": "Fryslân",
    "noord brabant": "Noord-Brabant",
    "brabant": "Noord-Brabant",
    "noord holland": "Noord-Holland",
    "zuid holland": "Zuid-Holland",
}
# Abbreviations that may follow a shared name to say which one ("Hengelo ov", "Bergen NH").
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "o": "Overijssel", "ov": "Overijssel", "ovl": "Overijssel", "gld": "Gelderland", "gl": "Gelderland",
    "nh": "Noord-Holland", "zh": "Zuid-Holland", "nb": "Noord-Brabant", "l": "Limburg", "lb": "Limburg",
    "li": "Limburg", "dr": "Drenthe", "gr": "Groningen", "gn": "Groningen", "fr": "Fryslân", "ut": "Utrecht",
    "u": "Utrecht", "fl": "Flevoland", "z": "Zeeland", "zl": "Zeeland", "ze": "Zeeland",
}  # fmt: skip
_BAG_SUFFIX = re.compile(r"\s*(?:\((?:[a-z.]+)\)|\b(?:gn|l|nh|nb|gld|ut|ac|zh|o)\.?|\bgem\.? \w+|\bca)$", re.IGNORECASE)
_POSTCODE = re.compile(r"\b([1-9]\d{3})\s?(?:[a-z]{2})?\b")
_MIN_FUZZY_LENGTH = 6
_MIN_FUZZY_LENGTH_SHORT_ANSWER = 5
_FUZZY_CUTOFF = 0.75
_SHORT_ANSWER_TOKENS = 3

# Words after which a name is a place ("in Best", "vestiging Putten", "gemeente Leiden").
_CUES = frozenset(
    {
        "in", "te", "uit", "bij", "nabij", "rond", "rondom", "omgeving", "regio", "gemeente", "buurt", "vestiging",
        "kantoor", "gevestigd", "naar", "vanuit", "richting", "dorp", "stad", "plaats", "centrum", "zitten", "zit",
        "woonplaats", "adres", "locatie", "kantoren", "eigenlijk", "correctie", "nee", "wacht",
    }
)  # fmt: skip
# Folded words that are never a place on their own.
_NEVER = frozenset(
    {
        "de", "het", "een", "en", "in", "op", "bij", "ons", "wij", "we", "zitten", "grens", "ee", "oost", "west",
        "noord", "zuid", "ter", "vlak", "eind", "oosten", "westen", "noorden", "zuiden", "midden", "nederland",
        "holland", "centrum", "stad", "dorp", "buiten", "heel", "land",
    }
)  # fmt: skip
# Place names that are also everyday words, on top of those in spaCy's Dutch lemma table.
_COMMON = frozenset(
    {
        "best", "made", "son", "wijk", "nes", "born", "heer", "kring", "paal", "veen", "weg", "zand", "echt",
        "thuis", "online", "bergen", "winkel", "mijn", "lutten", "elst", "oude", "nieuw", "eerst", "soest",
    }
)  # fmt: skip


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
        place: the place name as found in the text's data ("Hengelo"), for asking which one.
    """

    municipalities: tuple[Municipality, ...]
    province: str | None
    place: str | None = None

    @property
    def municipality(self) -> Municipality | None:
        """The municipality, when exactly one candidate remains."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Several municipalities fit the name."""
        return len(self.municipalities) > 1

    def within(self, province: str | None) -> Location:
        """Only the candidates in `province` (when that leaves any), e.g. "Bergen" asked in Noord-Holland."""
        if not province or len(self.municipalities) < 2:
            return self
        narrowed = tuple(m for m in self.municipalities if m.province == province)
        return Location(narrowed, province, self.place) if narrowed else self

    @property
    def found(self) -> bool:
        """The text names a municipality, a place or a province."""
        return bool(self.municipalities) or self.province is not None


NOWHERE = Location((), None)


class Gazetteer:
    """Names of municipalities, places, provinces and postcodes, folded for matching."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        """Load the three CSV files from `data_dir` and build the phrase matcher."""
        self.by_code: dict[str, Municipality] = {}
        with (data_dir / "gemeenten.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self.by_code[row["gemeentecode"]] = Municipality(
                    row["gemeentecode"], row["gemeentenaam"], row["provincie"]
                )
        self.by_name = {m.name: m for m in self.by_code.values()}
        self.names: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}
        self._first_parts: dict[str, set[str]] = {}
        self.municipality_names = {normalise(m.name) for m in self.by_code.values()}
        for m in self.by_code.values():
            self._add(m.name, m.code)
        with (data_dir / "woonplaatsen.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self._add(row["woonplaatsnaam"], row["gemeentecode"])
        for first, codes in self._first_parts.items():
            if first not in self.names:
                self.names[first] = codes
                self.display[first] = first.title()
        for alias, name in ALIASES.items():
            self.names.setdefault(normalise(alias), set()).add(self.by_name[name].code)
            self.display.setdefault(normalise(alias), name)
        with (data_dir / "postcode4_gemeente.csv").open(encoding="utf-8") as f:
            self.postcodes = {row["postcode4"]: row["gemeentecode"] for row in csv.DictReader(f)}
        self.provinces = {normalise(p): p for p in {m.province for m in self.by_code.values()}}
        self.provinces.update(PROVINCE_ALIASES)

        lemmas = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
        dutch_words = set(lemmas.keys()) | set(lemmas.values())
        self.dutch_words = frozenset(w for w in dutch_words if isinstance(w, str)) | STOP_WORDS
        self.common = frozenset(n for n in self.names if " " not in n and n in self.dutch_words) | _COMMON

        self.nlp = spacy.blank("nl")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.matcher.add("PLACE", [self.nlp.make_doc(n) for n in self.names if n not in _NEVER])
        self.matcher.add("PROVINCE", [self.nlp.make_doc(p) for p in self.provinces])
        self._fuzzy_names: dict[int, list[str]] = {}
        for name in self.names:
            if len(name.replace(" ", "")) >= _MIN_FUZZY_LENGTH_SHORT_ANSWER:
                self._fuzzy_names.setdefault(len(name.split()), []).append(name)
        self._fuzzy_provinces = [p for p in self.provinces if len(p) >= _MIN_FUZZY_LENGTH]

    def _add(self, name: str, code: str) -> None:
        folded = normalise(name)
        self.names.setdefault(folded, set()).add(code)
        self.display.setdefault(folded, name)
        bare = normalise(_BAG_SUFFIX.sub("", name.lower()))
        if bare and bare != folded:
            self.names.setdefault(bare, set()).add(code)
            self.display.setdefault(bare, _BAG_SUFFIX.sub("", name).strip())
        first = name.split("-")[0]
        if "-" in name and len(first) >= _MIN_FUZZY_LENGTH and not name.startswith("'"):
            # "Driebergen" for "Driebergen-Rijsenburg"; a full name wins (added later or earlier).
            self._first_parts.setdefault(normalise(first), set()).add(code)

    def municipality(self, name_or_code: str) -> Municipality | None:
        """The municipality with this official name or CBS code (GM0114), if any."""
        return self.by_code.get(name_or_code) or self.by_name.get(name_or_code)

    def locate(self, text: str) -> Location:
        """Find the firm's location in `text` (see the module docstring)."""
        folded = normalise(text)
        if not folded:
            return NOWHERE
        doc = self.nlp.make_doc(folded)
        tokens = [t.text for t in doc]
        short = len(tokens) <= _SHORT_ANSWER_TOKENS

        def cued(start: int) -> bool:
            return start == 0 or tokens[start - 1] in _CUES

        spans = filter_spans([doc[s:e] for _, s, e in self.matcher(doc)])
        places, provinces = [], []
        for span in spans:
            phrase = span.text
            after_provincie = span.start > 0 and tokens[span.start - 1] in {"provincie", "prov"}
            if phrase in self.provinces and (phrase not in self.municipality_names or after_provincie):
                provinces.append(self.provinces[phrase])
                continue
            if phrase in self.common and not (short or cued(span.start)):
                continue
            if self._abroad(tokens, span.start, span.end):
                continue
            places.append(span)

        named_province = provinces[0] if provinces else None
        if places:
            span = next((s for s in places if cued(s.start)), places[0])
            codes = self.names[span.text]
            hint = self._province_hint(tokens, span.end) or named_province
            return self._result(codes, self.display[span.text], hint)
        postcode = _POSTCODE.search(folded)
        if postcode and postcode.group(1) in self.postcodes:
            return self._result({self.postcodes[postcode.group(1)]}, None, None)
        if named_province:
            return Location((), named_province)
        return self._fuzzy(tokens, short)

    @staticmethod
    def _abroad(tokens: list[str], start: int, end: int) -> bool:
        """A foreign country right after the place, or "in <country>" right before it."""
        if any(t in _ABROAD for t in tokens[end : end + 3]):
            return True
        before = tokens[max(0, start - 3) : start]
        return any(t in _ABROAD and i > 0 and before[i - 1] == "in" for i, t in enumerate(before))

    def _province_hint(self, tokens: list[str], end: int) -> str | None:
        """A province named or abbreviated right after a place ("Hengelo ov", "Bergen in NH")."""
        following = tokens[end : end + 2]
        if following and following[0] == "in":
            following = following[1:]
        if not following:
            return None
        word = following[0]
        return self.provinces.get(word) or PROVINCE_ABBREVIATIONS.get(word)

    def _fuzzy(self, tokens: list[str], short: bool) -> Location:
        """A name with a small typo ("Hoogeeven", "Bergen op Zom"); never a Dutch word."""
        for size in (3, 2, 1):
            for start in range(len(tokens) - size + 1):
                words = tokens[start : start + size]
                if size == 1 and (words[0] in self.dutch_words or words[0] in _NEVER):
                    continue
                if size > 1 and all(w in self.dutch_words for w in words):
                    continue
                phrase = " ".join(words)
                minimum = _MIN_FUZZY_LENGTH_SHORT_ANSWER if short else _MIN_FUZZY_LENGTH
                if len(phrase.replace(" ", "")) < minimum or not any(c.isalpha() for c in phrase):
                    continue
                if not (short or start == 0 or tokens[start - 1] in _CUES or size > 1):
                    continue
                if phrase in self.names or self._abroad(tokens, start, start + size):
                    continue  # an exact name the matcher skipped on purpose
                close = _typo_of(phrase, self._fuzzy_names.get(size, []))
                if close:
                    return self._result(self.names[close], self.display[close], None)
                province = _typo_of(phrase, self._fuzzy_provinces) if size == 1 else None
                if province:
                    return Location((), self.provinces[province])
        return NOWHERE

    def _result(self, codes: set[str], place: str | None, hint: str | None) -> Location:
        municipalities = tuple(sorted((self.by_code[c] for c in codes), key=lambda m: m.name))
        provinces = {m.province for m in municipalities}
        return Location(municipalities, provinces.pop() if len(provinces) == 1 else None, place).within(hint)


def typo_distance(a: str, b: str) -> int:
    """Edits between two words: insert, delete, replace, or swap two neighbours (one edit each)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _typo_of(phrase: str, names: list[str]) -> str | None:
    """The name `phrase` is a typo of: one edit away (two for names of 10+ letters), one best candidate."""
    allowed = 2 if len(phrase) >= 10 else 1
    candidates = difflib.get_close_matches(phrase, names, n=5, cutoff=_FUZZY_CUTOFF)
    scored = sorted((typo_distance(phrase, name), name) for name in candidates)
    if not scored or scored[0][0] > allowed:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # two names equally close: no guess
    return scored[0][1]


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process."""
    return Gazetteer()
