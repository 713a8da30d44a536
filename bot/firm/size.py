"""Understanding how many people work at a firm, from free Dutch text.

`parse_headcount` turns "12", "twaalf", "we zijn met z'n vijven", "ongeveer 30 fte",
"twee tot vier mensen" (→ 3), "alleen ikzelf, ik ben zzp'er" (→ 1) and "ik en vier
monteurs" (→ 5) into a whole number. It returns None when the text names no headcount,
so that the bot asks again instead of guessing.

How it reads a sentence:
- a collective ("met z'n vijven") or a range ("twee tot vier", "tussen de 10 en 20",
  "8 à 10") gives the number, a range its middle (rounded half up);
- an explicit total ("in totaal 48", "samen 11") wins, minus interns it includes;
- a change over time or a contrast ("vorig jaar 12, nu 17", "15 fte maar 20 mensen")
  keeps the part after "nu", "inmiddels", "maar", ...;
- otherwise groups of people are added up: numbers with their noun ("8 vaste krachten
  en 4 oproepkrachten" → 12), people named without a number ("mijn vrouw", "een
  monteur"), and the speaker when the text adds them ("ik en vier monteurs",
  "naast mij nog 3");
- interns (stagiairs) do not count; numbers of years, hours, shops, percentages ...
  are not people.
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

_INTERN = re.compile(r"^(?:stag(?:i|ai)?(?:air|aire|iar|ar)e?s?|stagelopers?|bbl'?ers?|bol'?ers?)$")
# Nouns after a number that are not people.
_NOT_PEOPLE = frozenset(
    {
        "jaar", "jaren", "jr", "uur", "uren", "uurtjes", "dag", "dagen", "week", "weken", "maand", "maanden",
        "keer", "vestiging", "vestigingen", "winkel", "winkels", "filiaal", "filialen", "locatie", "locaties",
        "kantoor", "kantoren", "bus", "bussen", "busjes", "auto", "autos", "auto's", "wagens", "vrachtwagens",
        "machines", "klanten", "euro", "procent", "%", "m2", "meter", "km", "kilometer", "projecten",
        "producten", "ton", "minuten", "bedrijven", "zaken", "panden", "bv", "bv's", "vierkante", "kwartaal",
        "miljoen", "duizend", "per", "x",
    }
)  # fmt: skip
# People named without a number, counted once each: "mijn vrouw", "een monteur".
_RELATIVES = (
    r"vrouw|man|partner|compagnon|zaakpartner|vennoot|broer|zus|zoon|dochter|vader|moeder|schoonzoon|"
    r"schoondochter|neef|nicht|zwager|schoonzus|echtgenote|echtgenoot|vriendin|vriend|collega|maat"
)
_ROLES = (
    r"monteur|parttimer|fulltimer|medewerker|medewerkster|werknemer|collega|kracht|hulp|assistent|assistente|"
    r"oproepkracht|invalkracht|zzp'?er|freelancer|vakman|leerling|boekhouder|verkoper|verkoopster|"
    r"timmerman|kapster|kapper|chauffeur|monteurs|administratief medewerker|secretaresse|meid|jongen|persoon|"
    r"werkvoorbereider|uitvoerder|schilder|loodgieter|elektricien|kok|bezorger|man|maat|compagnon|vennoot|partner|"
    r"zakenpartner|kompaan|kapper|medevennoot"
)
_NAMED_PERSON = re.compile(
    rf"\b(?:(?:mijn|m'n|mn|onze)\s+(?:{_RELATIVES})|een\s+(?:\w+\s+)?(?:{_ROLES})|"
    r"de\s+(?:eigenaar|eigenaresse|baas|directeur|ondernemer))\b"
)
_SELF = r"(?:ik|ikzelf|mij|mijzelf|mezelf|mn eigen|mijn persoon)"
_SELF_ADDED = re.compile(
    rf"\b{_SELF}\s*(?:,|en|plus|met)\s|(?:\b(?:en|plus)|,)\s*{_SELF}\b|\b(?:naast|behalve|buiten|plus)\s+{_SELF}\b"
)
_SELF_INCLUDED = re.compile(
    rf"\b(?:inclusief|incl|inc|met)\s+{_SELF}\b(?!\s+(?:en|plus|,))|\b{_SELF}\s+(?:meegeteld|inbegrepen|erbij)\b|"
    rf"\b1\s*(?:(?:persoon|man|mens)\s*)?[,:]?\s*(?:namelijk\s+)?{_SELF}\b"
)
_SOLO = re.compile(
    r"\b(?:zzp(?:'?er)?|zelfstandige zonder personeel|eenmanszaak|eenmanbedrijf|alleen (?:ik|mezelf|mijzelf|ikzelf)|"
    r"(?:ik )?in (?:mijn|m'n) eentje|ik werk\b[^,.]*\balleen|ik ben alleen|solo|alleen maar ik|gewoon ik|alles zelf|"
    r"geen (?:personeel|medewerkers|werknemers|mensen in dienst)|zonder personeel|alleen mij|niemand|ik alleen|"
    r"just me|eenpitter|ik ben de enige|alleen ikke|ikke alleen|gewoon (?:ik|mezelf|mijzelf|ikke)|"
    r"(?:sta|werk|doe) (?:er |het )?alleen|in mijn uppie|in m'n uppie|helemaal alleen)\b"
)
_TOTAL = re.compile(r"\b(?:in totaal|totaal|samen|met z'?n allen|allemaal)\b")
_LATER = re.compile(r"\b(?:nu|inmiddels|tegenwoordig|momenteel|dit jaar|op dit moment|maar|sinds kort|straks niet)\b")
_RANGE = re.compile(
    r"\b(?:tussen\s+(?:de\s+)?(\d+)\s+en\s+(\d+)|(\d+)\s*(?:-|tot|a|à|of)\s*(\d+))\b(?!\s*(?:jaar|uur|dagen|%))"
)
_WORD_RANGE = re.compile(r"\b(?:tussen\s+(?:de\s+)?)?([a-z]+)\s+(?:tot|a|à|of|en)\s+([a-z]+)\b")
_YEAR_CONTEXT = frozenset({"sinds", "in", "vanaf", "uit", "na", "voor", "tot", "per", "jaar", "van", "begin", "eind"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+(?:'[a-z]+)?|[,;%]")


def word_to_number(word: str) -> int | None:
    """Dutch number word to int: "vijf" 5, "twaalf" 12, "vijfentwintig" 25, "driehonderdvijftig" 350."""
    word = strip_accents(word).replace("-", "")
    if not word:
        return None
    if word.isdigit():
        return int(word)
    for unit, factor in (("duizend", 1000), ("honderd", 100)):
        if unit in word:
            head, _, tail = word.partition(unit)
            left = 1 if head == "" else word_to_number(head)
            right = 0 if tail == "" else word_to_number(tail.removeprefix("en"))
            if left is None or right is None or left >= factor and factor == 100:
                return None
            return left * factor + right
    if word in _UNITS:
        return _UNITS[word]
    if word in _TEENS:
        return _TEENS[word]
    if word in _TENS:
        return _TENS[word]
    for tens, value in _TENS.items():
        if word.endswith(tens):
            head = word[: -len(tens)]
            for joiner in ("en", "e"):
                if head.endswith(joiner) and head[: -len(joiner)] in _UNITS:
                    return value + _UNITS[head[: -len(joiner)]]
    return None


def _middle(low: float, high: float) -> int | None:
    """The middle of a range, rounded half up; None for a reversed or empty range."""
    if not 0 < low <= high:
        return None
    return int((low + high) / 2 + 0.5)


def _number(token: str) -> float | None:
    if token[0].isdigit():
        return float(token.replace(",", "."))
    value = word_to_number(token)
    return None if value is None or token == "een" else float(value)


def _counts(text: str) -> tuple[float, float]:
    """People and interns counted with a number in `text`: (people, interns)."""
    tokens = _TOKEN.findall(text)
    people = interns = 0.0
    for i, token in enumerate(tokens):
        if token == "een" and i + 1 < len(tokens) and _INTERN.match(tokens[i + 1]):
            interns += 1
            continue
        value = _number(token)
        if value is None or value <= 0:
            continue
        before = tokens[i - 1] if i else ""
        if token.isdigit() and len(token) == 4 and 1900 <= value <= 2099 and (before in _YEAR_CONTEXT or not before):
            if len(tokens) > 1:
                continue
        following = []
        for nxt in tokens[i + 1 : i + 4]:
            if nxt in {",", ";", "en", "plus", "maar", "of"}:
                break
            following.append(nxt)
        if following and following[0] in _NOT_PEOPLE:
            continue
        if any(_INTERN.match(w) for w in following):
            interns += value
            continue
        people += value
    return people, interns


def parse_headcount(text: str) -> int | None:
    """The number of people working at the firm, or None when the text names none.

    Args:
        text: the entrepreneur's answer, e.g. "ik en vier monteurs".
    """
    folded = re.sub(r"\b(?:één|eén|éen)\b", " 1 ", text.lower())
    folded = strip_accents(folded).replace("+", " plus ").replace("&", " en ").replace("±", " ongeveer ")
    folded = re.sub(r"\b\d+\s*[/:]\s*\d+\b", " ", folded)  # 24/7, 9:00
    folded = re.sub(r"\b(?:een\s+)?(?:man|stuk|mannetje|persoon|stuks)\s+of\b", " ongeveer ", folded)
    folded = re.sub(r"\b(?:zo'?n|rond de|ongeveer|circa|ca|plm|pakweg|ruim|bijna|zo een)\b\.?", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip()

    collective = re.search(r"\bmet\s+(?:z'?n|zijn|ons|onze)\s+([a-z]+)\b", folded)
    if collective and collective.group(1) in _COLLECTIVE:
        return _COLLECTIVE[collective.group(1)]

    later = list(_LATER.finditer(folded))
    for marker in reversed(later):
        tail = folded[marker.end() :]
        if sum(_counts(tail)) > 0:
            folded = tail
            break

    ranged = _RANGE.search(folded)
    if ranged:
        low, high = (ranged.group(1), ranged.group(2)) if ranged.group(1) else (ranged.group(3), ranged.group(4))
        middle = _middle(float(low), float(high))
        if middle is not None:
            return middle
    words = _WORD_RANGE.search(folded)
    if words:
        low_word, high_word = word_to_number(words.group(1)), word_to_number(words.group(2))
        if low_word and high_word and (words.group(0).startswith("tussen") or " en " not in words.group(0)):
            middle = _middle(low_word, high_word)
            if middle is not None:
                return middle

    total = _TOTAL.search(folded)
    if total:
        people, interns = _counts(folded[total.end() :])
        if people > 0:
            included = re.search(r"\b(?:inclusief|incl|waarvan)\b(.*)", folded[total.end() :])
            if included:
                interns = _counts(included.group(1))[1]
            return max(1, int(people - interns + 0.5))

    included = re.search(r"\b(?:inclusief|incl|waarvan)\b(.*)", folded)
    if included:
        # "10 mensen waarvan 6 parttime": the part is not added; interns in it are taken off.
        people, interns = _counts(folded[: included.start()])
        people -= _counts(included.group(1))[1]
    else:
        people, interns = _counts(folded)
    named = len(_NAMED_PERSON.findall(folded))
    adds_self = bool(_SELF_ADDED.search(folded)) and not _SELF_INCLUDED.search(folded)
    count = people + named + (1 if adds_self and (people or named or interns) else 0)
    if count > 0:
        return max(1, int(count + 0.5))
    if _SOLO.search(folded) or re.fullmatch(r"(?:alleen\s+)?(?:ik|ikzelf|mijzelf|mezelf)", folded.strip(" .!")):
        return 1
    return None
