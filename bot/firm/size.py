"""Understanding how many people work at a firm, from free Dutch text.

`parse_headcount` turns "12", "twaalf", "we zijn met z'n vijven", "ongeveer 30 fte",
"twee tot vier mensen" (→ 3), "alleen ikzelf, ik ben zzp'er" (→ 1) and "ik en vier
monteurs" (→ 5) into a whole number. Interns (stagiairs) do not count. It returns None
when the text names no headcount, so that the bot asks again instead of guessing.
"""

from __future__ import annotations

import re

from bot.text import strip_accents

_UNITS = {
    "een": 1, "eén": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9,
}  # fmt: skip
_TEENS = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90,
}  # fmt: skip
_COLLECTIVE = {
    "tweeen": 2, "drieen": 3, "vieren": 4, "vijven": 5, "zessen": 6, "zevenen": 7, "achten": 8,
    "negenen": 9, "tienen": 10, "elven": 11, "twaalven": 12,
}  # fmt: skip

_INTERN = r"(?:stagiair(?:e)?s?|stagiaire?s?|stagairs?|stagiars?|stagelopers?|stagiaires)"
_SOLO = re.compile(
    r"\b(?:zzp(?:'?er)?|zelfstandige zonder personeel|eenmanszaak|alleen (?:ik|mezelf|mijzelf|ikzelf)|"
    r"(?:ik )?in mijn eentje|ik werk alleen|ik ben alleen|solo|alleen maar ik)\b"
)
_SELF_PLUS = re.compile(r"\b(?:ik|ikzelf|mijzelf|mezelf)\s*(?:en|\+|met)\s+")
_PARTNER = re.compile(r"\b(?:mijn|m'n|mn)\s+(?:vrouw|man|partner|compagnon|zaakpartner|vennoot|broer|zus)\b")
_RANGE = re.compile(r"\b(?:tussen\s+(?:de\s+)?)?(\d+)\s*(?:-|tot|a|à|of|en)\s*(\d+)\b")
_PERCENT_OR_YEAR = re.compile(r"\b\d+\s*%|\b(?:19|20)\d\d\b")


def word_to_number(word: str) -> int | None:
    """Dutch number word to int: "vijf" 5, "twaalf" 12, "vijfentwintig" 25, "honderd" 100."""
    word = strip_accents(word).replace("-", "")
    if word.isdigit():
        return int(word)
    if word in _UNITS:
        return _UNITS[word]
    if word in _TEENS:
        return _TEENS[word]
    if word in _TENS:
        return _TENS[word]
    if word == "honderd":
        return 100
    if word == "duizend":
        return 1000
    for hundred in ("honderd", "duizend"):
        if word.endswith(hundred) and word[: -len(hundred)] in _UNITS:
            return _UNITS[word[: -len(hundred)]] * (100 if hundred == "honderd" else 1000)
    for tens, value in _TENS.items():
        if word.endswith(tens):
            head = word[: -len(tens)]
            for joiner in ("en", "e"):
                if head.endswith(joiner) and head[: -len(joiner)] in _UNITS:
                    return value + _UNITS[head[: -len(joiner)]]
    return None


def _numbers(text: str) -> list[int]:
    """Numbers in a folded text, digits and words, in order (interns removed first)."""
    values = []
    for token in re.findall(r"[a-z]+|\d+", text):
        value = word_to_number(token)
        if value is not None and not (token == "een" and not _counts_een(text)):
            values.append(value)
    return values


def _counts_een(text: str) -> bool:
    """Whether "een" in the text is the number one ("één man") rather than the article."""
    return bool(re.search(r"\been\s+(?:man|persoon|medewerker|werknemer)\b", text)) and not re.search(
        r"\been\s+(?:paar|stuk|aantal|handvol)\b", text
    )


def parse_headcount(text: str) -> int | None:
    """The number of people working at the firm, or None when the text names none.

    Args:
        text: the entrepreneur's answer, e.g. "ik en vier monteurs".
    """
    folded = strip_accents(text)
    folded = re.sub(rf"(?:\b\d+|\b[a-z]+)?\s*{_INTERN}\b", " ", folded)
    folded = _PERCENT_OR_YEAR.sub(" ", folded)
    folded = re.sub(r"\been\s+(?:man|stuk|mannetje|persoon|stuks)\s+of\b", " ongeveer ", folded)

    collective = re.search(r"\bmet\s+(?:z'n|zn|zijn|ons)\s+([a-z]+)\b", folded)
    if collective and collective.group(1) in _COLLECTIVE:
        return _COLLECTIVE[collective.group(1)]

    ranged = _RANGE.search(folded)
    if not ranged:
        words = re.search(r"\b([a-z]+)\s+(?:tot|a|of)\s+([a-z]+)\b", folded)
        if words and word_to_number(words.group(1)) and word_to_number(words.group(2)):
            low, high = word_to_number(words.group(1)), word_to_number(words.group(2))
            assert low is not None and high is not None
            return round((low + high) / 2 + 1e-9)
    else:
        low, high = int(ranged.group(1)), int(ranged.group(2))
        if 0 < low <= high:
            return round((low + high) / 2 + 1e-9)

    numbers = [n for n in _numbers(folded) if n > 0]
    self_plus = bool(_SELF_PLUS.search(folded))
    if numbers:
        total = numbers[0]
        if self_plus and not re.search(r"\b(?:in totaal|totaal|met z'n allen|inclusief mij|incl)\b", folded):
            total += 1
        return total
    if self_plus and _PARTNER.search(folded):
        return 2
    if _SOLO.search(folded) or re.fullmatch(r"(?:alleen\s+)?(?:ik|ikzelf|mijzelf|mezelf)", folded.strip(" .!")):
        return 1
    if _PARTNER.search(folded) and re.search(r"\b(?:ik|wij|we)\b", folded):
        return 2
    return None
