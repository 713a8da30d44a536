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
        "machines", "klanten", "klant", "patient", "client", "restaurant", "moment", "procent", "cent",
        "talent", "euro",
        "%", "m2", "meter", "km", "kilometer", "projecten",
        "producten", "ton", "minuten", "bedrijven", "zaken", "panden", "bv", "bv's", "vierkante", "kwartaal",
        "miljoen", "duizend", "per", "x", "m", "stuks", "plaatsen", "plekken", "kamers", "bedden",
        "stoelen", "tafels", "groepen", "klassen", "patienten", "clienten", "gasten", "bezoekers", "gebruikers",
        "volgers", "leveranciers", "abonnees", "kinderen", "leerlingen", "studenten", "cursisten", "bewoners",
        "huurders", "kopers", "computers", "laptops", "printers", "containers", "trekkers", "campers", "scooters",
        "tractoren", "kranen", "heftrucks", "koeien", "varkens", "kippen", "paarden", "dieren", "boten", "orders",
        "bestellingen", "pakketten", "couverts", "geiten", "schapen", "honden", "katten",
        "kalveren", "aanhangers", "steigers", "ladders", "trailers", "boilers", "bonnen",
        "woningen", "huizen", "hectare", "ha", "liter", "kilo", "kg", "sterren",
        "generatie", "generaties", "e", "foto's", "video's", "menu's", "radio's", "pizza's", "taxi's", "ste", "de",
        "januari", "februari", "maart", "april", "mei", "juni", "juli",
        "augustus", "september", "oktober", "november", "december",
    }
)  # fmt: skip
_THING_SUFFIX = re.compile("(?:" + "|".join(sorted((w for w in _NOT_PEOPLE if len(w) >= 5), key=len)) + ")$")
# Words for people after a number: "8 man", "3 tandartsen", "2 zaterdaghulpen".
_PEOPLE_WORDS = frozenset(
    {
        "man", "mensen", "personen", "persoon", "koppen", "fte", "fte's", "ftes", "personeel", "vrouwen", "jongens",
        "meiden", "meisjes", "dames", "heren", "zonen", "zoons", "dochters", "broers", "zussen", "vennoten",
        "partners", "eigenaren", "collega's", "collegas", "knechten", "knecht", "maatjes", "koks", "gezellen",
        "teamleden", "personeelsleden", "stafleden", "werkzoekenden", "verpleegkundigen", "docenten", "mannen",
        "mensjes", "zielen", "maten", "maats", "directeuren", "leidinggevenden", "devs", "sales",
        "handen", "vaklieden", "vaklui", "krachten", "kracht", "vrouw", "meid", "jongen",
        "dame", "heer", "zoon", "dochter", "broer", "zus", "vennoot", "partner", "collega", "fysio's", "fysios",
    }
)  # fmt: skip
_PEOPLE_SUFFIX = re.compile(
    r"(?:ers|eurs|sters|isten|anten|enten|entes|aars|artsen|mannen|lui|lieden|krachten|hulpen|hulpjes|genoten|"
    r"kundigen|ici|ici's|kers|ers'?s|aar|eur|ster|ist|ant|ent|ente|arts|kracht|hulp|genoot|eigenaresse|peuten|aren|knecht)$"
)
# Words after a number that leave it a plain count: "we zijn met 12 en ...", "16 in totaal".
_FUNCTION_WORDS = frozenset(
    {
        "in", "op", "bij", "met", "zijn", "is", "we", "wij", "nu", "die", "dat", "totaal", "samen", "maar", "hier",
        "daar", "er", "allemaal", "inclusief", "incl", "waarvan", "exclusief", "excl", "plus", "vast", "vaste",
        "fulltime", "parttime", "en", "ongeveer", "of", "zo", "dus", "ofzo", "gemiddeld", "werkzaam",
        "actief", "aan", "hele", "ik", "mezelf", "mijzelf", "ikzelf", "mij", "personeelsleden",
    }
)  # fmt: skip
# People named without a number, counted once each: "mijn vrouw", "een monteur".
_RELATIVES = (
    r"vrouw|man|partner|compagnon|compagon|kompagnon|zaakpartner|schoonvader|schoonmoeder|oom|tante|opa|oma"
    r"|vennoot|broer|zus|zoon|dochter|vader|moeder|schoonzoon|"
    r"schoondochter|neef|nicht|zwager|schoonzus|echtgenote|echtgenoot|vriendin|vriend|collega|maat"
)
_ROLES = (
    r"monteur|parttimer|fulltimer|medewerker|medewerkster|werknemer|collega|kracht|hulp|assistent|assistente|"
    r"oproepkracht|invalkracht|zzp'?er|freelancer|vakman|leerling|boekhouder|verkoper|verkoopster|"
    r"timmerman|kapster|kapper|chauffeur|monteurs|administratief medewerker|secretaresse|meid|jongen|persoon|"
    r"werkvoorbereider|uitvoerder|schilder|loodgieter|elektricien|kok|bezorger|man|maat|compagnon|vennoot|partner|"
    r"zakenpartner|kompaan|kapper|medevennoot|knecht|maatje|gezel|hulpje"
)
_NAMED_PERSON = re.compile(
    rf"\b(?:(?:mijn|m'n|mn|onze)\s+(?:{_RELATIVES})|een\s+(?:\w+\s+)?(?:{_ROLES})|"
    r"een\s+(?:\w+\s+)?\w+(?:hulp|kracht|medewerker|medewerkster|monteur|werker|verkoper|verkoopster|chauffeur|man|meisje|jongen|knecht)|"
    r"^(?:de\s+)?(?:eigenaar|eigenaresse|baas|directeur)\s+(?:plus|en)\b|"
    r"de\s+(?:eigenaar|eigenaresse|baas|directeur|ondernemer))\b"
)
# Pairs named without a number: "mijn ouders" are two people.
_PAIR = re.compile(r"\b(?:mijn|m'n|mn|onze)\s+(?:schoon)?ouders\b")
_SELF = r"(?:ik|ikke|ikzelf|mij|mijzelf|mezelf|mn eigen|mijn persoon)"
_SELF_ADDED = re.compile(
    rf"\b{_SELF}\s*(?:,|en|plus|met)\s|(?:\b(?:en|plus)|,)\s*{_SELF}\b|\b(?:naast|behalve|buiten|plus|zonder)\s+{_SELF}\b|"
    r"^samen met (?:mijn|m'n|mn)\b"
)
# An employer counting their staff ("ik heb twee mensen in dienst", "ik heb vier collega's"),
# read on the whole answer, also when the count itself comes after "nu".
_EMPLOYER = re.compile(
    rf"\bik heb\s+(?:nog\s+|zelf\s+)?(?:een|1)\s+(?:\w+\s+)?(?:{_ROLES})\b|"
    r"\bik\b[^.]*\bmet\s+\d+\s+(?:\w+\s+){0,2}erbij\b|"
    r"\bik heb\s+(?:nog\s+|zelf\s+)?[\w.,]+\s+(?:\w+\s+)?(?:\w+ers|mensen|medewerkers|medewerksters|werknemers|"
    r"collega'?s|personeelsleden|krachten|man personeel)\b|\bik heb\b[^,.]*\bin dienst\b|"
    r"\b(?:werk|help|draai) zelf (?:ook )?mee\b|"
    r"\b(?:eerst|vroeger) alleen\b[^.]*\b(?:erbij|bijgekomen|aangenomen)\b|"
    r"\bik\b[^,.]*\b(?:sta|werk|zit|run|draai|leid|doe)\b[^,.]*\bmet\s+(?:mijn|m'n|mn|\d+|een|twee|drie|vier|vijf|zes)\b|"
    r"\bik\b[^.]*\bheb\b[^,.]*\b(?:in dienst|personeel)\b|\bik als (?:eigenaar|eigenaresse|baas|directeur)\b"
)
_SELF_INCLUDED = re.compile(
    rf"\b(?:inclusief|incl|inc|met)\s+{_SELF}\b(?!\s+(?:en|plus|,))|\b{_SELF}\s+(?:meegeteld|inbegrepen|erbij)\b|"
    rf"\b1\s*(?:(?:persoon|man|mens)\s*)?[,:]?\s*(?:namelijk\s+)?{_SELF}\b|"
    r"\bik ben er (?:een|1|eentje) van\b|\bik ben (?:een|1|eentje) van de\b|"
    r"(?<!\ben )(?<!plus )\b(?:met )?(?:mij|mijzelf|mezelf) erbij\b"
)
_SOLO = re.compile(
    r"\b(?:zzp(?:'?er)?|zelfstandige zonder personeel|eenmanszaak|eenmanbedrijf|alleen (?:ik|mezelf|mijzelf|ikzelf)|"
    r"(?:ik )?in (?:mijn|m'n) eentje|ik werk\b[^,.]*\balleen|ik ben alleen|solo|alleen maar ik|gewoon ik|alles zelf|"
    r"geen (?:personeel|medewerkers|werknemers|mensen in dienst)|zonder personeel|alleen mij|niemand|ik alleen|"
    r"just me|eenpitter|ik ben de enige|alleen ikke|ikke alleen|gewoon (?:ik|ikzelf|mezelf|mijzelf|ikke)|"
    r"(?:alleen )?ondergetekende(?: alleen)?|(?:mijn|de) enige (?:werknemer|medewerker|personeelslid)|"
    r"bestaat uit (?:alleen )?(?:mij|mijzelf|mezelf)|enige (?:werknemer|medewerker|personeelslid)|"
    r"(?:baas|eigenaar) en (?:de |ook )?(?:werknemer|medewerker|personeel)|ik ben het (?:hele )?bedrijf|"
    r"(?:ik|ikke|mezelf|mijzelf)(?:\s*(?:,|en)\s*(?:ik|ikke|mezelf|mijzelf))+|"
    r"(?:sta|werk|doe) (?:er |het )?alleen|in mijn uppie|in m'n uppie|helemaal alleen)\b"
)
_TOTAL = re.compile(r"\b(?:in totaal|totaal|samen(?! met)|met z'?n allen|allemaal|zijn (?:we|wij) met)\b")
_LATER = re.compile(r"\b(?:nu|inmiddels|tegenwoordig|momenteel|dit jaar|op dit moment|maar|sinds kort|straks niet)\b")
_RANGE = re.compile(
    r"\b(?:tussen\s+(?:de\s+)?(\d+)\s+en\s+(\d+)|(\d+)\s*(?:-|tot|a|à|of)\s*(\d+))\b(?!\s*(?:jaar|uur|dagen|%))"
)
_WORD_RANGE = re.compile(r"\b(?:tussen\s+(?:de\s+)?)?([a-z]+)\s+(?:tot|a|à|of|en)\s+([a-z]+)\b")
_YEAR_CONTEXT = frozenset({"sinds", "in", "vanaf", "uit", "na", "voor", "tot", "per", "jaar", "van", "begin", "eind"})
_TOKEN = re.compile(r"\d+(?:e|ste|de)\b|\d+(?:[.,]\d+)?|[a-z]+\d*(?:'[a-z]+)?|[,;%]")


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
    if re.fullmatch(r"\d+(?:e|ste|de)", token):  # an ordinal: "de 3e generatie"
        return None
    if token[0].isdigit():
        return float(token.replace(",", "."))
    value = word_to_number(token)
    return None if value is None or token == "een" else float(value)


def _compound(match: re.Match[str]) -> str:
    """Collective compounds: "een tiental" → "10", "een driekoppig team" → "in totaal 3 mensen"."""
    value = word_to_number(match.group(1))
    if value is None or value <= 1:  # "eenmanszaak" is read as a solo phrasing
        return match.group(0)
    return f"in totaal {value} mensen" if match.group(2) != "tal" else f"{value}"


def _is_thing(word: str) -> bool:
    """A noun that is not people: "jaar", also in compounds ("behandelkamers", "bestelbussen")."""
    return word in _NOT_PEOPLE or bool(_THING_SUFFIX.search(word))


def _is_people_noun(word: str) -> bool:
    return not _is_thing(word) and (word in _PEOPLE_WORDS or bool(_PEOPLE_SUFFIX.search(word)))


def _counts(text: str) -> tuple[float, float]:
    """People and interns counted with a number in `text`: (people, interns).

    A number followed by a word for people ("8 man", "3 vaste krachten", "2 tandartsen") or
    by nothing in particular ("we zijn met 12", "3 op kantoor") counts. A number followed by
    another noun ("40 keukens per jaar", "150 plaatsen") counts only when no number in the
    text comes with a word for people.
    """
    tokens = _TOKEN.findall(text)
    people = other = interns = 0.0
    about_people = False
    for i, token in enumerate(tokens):
        if token == "een" and i + 1 < len(tokens) and _INTERN.match(tokens[i + 1]):
            interns += 1
            continue
        value = _number(token)
        if value is None or value <= 0:
            continue
        before = tokens[i - 1] if i else ""
        if token.isdigit() and len(token) == 4 and 1900 <= value <= 2099 and len(tokens) > 1:
            if before in _YEAR_CONTEXT or not before or not any(_is_people_noun(w) for w in tokens[i + 1 : i + 3]):
                continue
        following = []
        for nxt in tokens[i + 1 : i + 4]:
            if nxt in {
                ",",
                ";",
                "en",
                "plus",
                "maar",
                "of",
                "excl",
                "exclusief",
                "zonder",
                "incl",
                "inclusief",
                "waarvan",
            }:
                break
            if _number(nxt) is not None:
                break
            following.append(nxt)
        if following and _is_thing(following[0]):
            continue
        if any(_INTERN.match(w) for w in following):
            interns += value
            continue
        said_of_people = (
            before == "met" and i >= 2 and tokens[i - 2] in {"zijn", "zitten", "werken", "staan", "wij", "we"}
        )
        if said_of_people or any(_is_people_noun(w) for w in following):
            about_people = True
            people += value
        elif not following or following[0] in _FUNCTION_WORDS:
            people += value
        else:
            other += value
    return (people if about_people else people + other), interns


_FTE = re.compile(r"\b\d+(?:[.,]\d+)?\s*fte(?:'?s)?\b|\b[a-z]+\s+fte(?:'?s)?\b")
_INTERN_INCLUDED = re.compile(
    r"\b(?:inclusief|incl|met)\s+(?:de|onze|ons|een|1)?\s*stagiaire?\b(?!s)|\bstagiaire?\s+(?:erbij|meegeteld|meegerekend)"
)


def _normalise(folded: str) -> str:
    """Rewrites phrasings whose numbers are not simply people into ones that are."""
    # Numbers that are never headcounts: phone numbers, postcodes, dates, times, house numbers.
    folded = re.sub(r"(?:\+31|\b0)\d[\d -]{7,}\d\b", " ", folded)
    folded = re.sub(r"\b\d{4}\s?[a-z]{2}\b", " ", folded)
    folded = re.sub(
        r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
        r"november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b",
        " ",
        folded,
    )
    folded = re.sub(
        r"\b\w+(?:straat|weg|laan|plein|markt|dijk|kade|gracht|singel|steeg|pad|dreef|hof|erf)\s+\d+[a-z]?\b",
        " ",
        folded,
    )
    folded = re.sub(r"\b(?:van\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:tot|-)\s*\d{1,2}[:.]\d{2}\b", " ", folded)
    folded = re.sub(r"\bikk+\b", "ik", folded)
    folded = re.sub(
        r"\bme (vrouw|man|maat|maatje|zoon|dochter|broer|zus|vader|moeder|compagnon|partner)\b", r"mijn \1", folded
    )
    folded = re.sub(r"\bhuisnummer\s+\d+\w?\b", " ", folded)
    # Amounts of money, registration and house numbers are not people.
    folded = re.sub(r"(?:€|\beur\b)\s*\d[\d.,]*(?:\s*(?:k|m|miljoen|duizend))?", " ", folded)
    folded = re.sub(r"\d[\d.,]*\s*(?:k|m|miljoen|duizend)?\s*(?:euro|eur|omzet)\b", " ", folded)
    folded = re.sub(
        r"\b(?:omzet|prijs|kosten|kost|tarief|uurtarief)\s+(?:is\s+|van\s+|ligt op\s+)?"
        r"(?:ongeveer\s+|rond\s+|circa\s+)?\d[\d.,]*",
        " ",
        folded,
    )
    folded = re.sub(r"\b(?:postcode|nummer|nr|huisnummer|kvk(?:-?nummer)?)\.?\s+\d+\w*(?:\s?[a-z]{2}\b)?", " ", folded)
    folded = re.sub(r"\b\d{6,}\b", " ", folded)
    folded = re.sub(
        r"\b(?:open|geopend)\s+(?:van\s+)?\d{1,2}(?:[:.]\d{2})?\s*(?:-|tot)\s*\d{1,2}(?:[:.]\d{2})?\b", " open ", folded
    )
    # "ik ben 1 van die 4" points back at a group already counted.
    folded = re.sub(r"\bik ben (?:een|1|eentje) van die \d+\b", " ik ben er een van ", folded)
    # Seasonal extra staff: the year-round number counts ("vast 4, in het seizoen komen er 10 bij").
    folded = re.sub(r"\bin (?:het|de) (?:seizoen|zomer|drukte|piek|vakantie)\w*\b[^.;]*?\b(?:bij|extra)\b", " ", folded)
    folded = re.sub(
        r"\bik ben (?:de |het )?(?:enige )?(?:eigenaar|eigenaresse|baas|directeur|oprichter)\b"
        r"(?! en (?:de |ook )?(?:werknemer|medewerker|personeel))",
        " ik ",
        folded,
    )
    folded = re.sub(r"\b\d{1,2}:\d{2}\b", " ", folded)  # 9:00
    folded = re.sub(r"\b(?:open|geopend)\b([^.]*?)\bvan\s+\d{1,2}\s*(?:tot|-)\s*\d{1,2}\b", r" open \1 ", folded)
    folded = re.sub(
        r"\b(?:mijn|m'n|mn)\s+(\w+)\s+is\s+\d{2}\b(?!\s*(?:mensen|man|medewerkers|personen))", r" mijn \1 ", folded
    )
    folded = re.sub(r"\bteam van (\w+)\b", r"team van \1 mensen", folded)
    folded = _MULTIPLIED.sub(_multiply, folded)
    # Opening hours, ages and ranges of time: "open van 9 tot 18 uur", "ik ben 58".
    folded = re.sub(
        r"\b(?:van\s+)?\d+\s*(?:tot|-)\s*\d+\s*(?:uur|u)\b|\b(?:om|vanaf|tot)\s+\d+\s*(?:uur|u)\b", " ", folded
    )
    folded = re.sub(r"\bik ben (?:zelf )?\d{2}\b(?!\s*(?:mensen|man|medewerkers|personen))", " ik ben ", folded)
    # Two people said as one: "wij tweeen", "man en vrouw".
    folded = re.sub(
        r"\b(?:wij|we|ons|jullie)\s+(tweeen|drieen|vieren|vijven|zessen)\b",
        lambda m: f" {_COLLECTIVE[m.group(1)]} mensen ",
        folded,
    )
    folded = re.sub(r"\b(?:man en vrouw|vrouw en man|echtpaar|echtelieden)\b", " 2 mensen ", folded)
    # A change: "gegroeid van drie naar 11 mensen" keeps what comes after "naar".
    folded = re.sub(r"\bvan\s+[\w.,]+\s+(?:\w+\s+)?naar\b", " nu ", folded)
    # "twee, drie man" is a range.
    folded = re.sub(r"\b([a-z]+|\d+),\s*([a-z]+|\d+)\s+(man|mensen|medewerkers|personen)\b", _adjacent_range, folded)
    # Collectives in one word: "een tiental", "een driekoppig team", "een tweemansbedrijf".
    folded = re.sub(r"\b(?:een\s+)?([a-z]+?)(tal|koppige?|mans(?:bedrijf|zaak|bedrijfje|zaakje)?)\b", _compound, folded)
    # "om precies te zijn": the exact number wins over the rough one before it.
    exact = re.search(r"([^,;]*)\b(?:om precies te zijn|precies gezegd|exact)\b", folded)
    if exact and sum(_counts(exact.group(1))) > 0:
        folded = exact.group(1)
    # People and fte both named: the people count.
    without_fte = _FTE.sub(" ", re.sub(r"\bin fte'?s?\s+(\d+)", r"\1 fte", folded))
    if without_fte != folded and _counts(without_fte)[0] > 0:
        folded = without_fte
    return re.sub(r"\s+", " ", folded).strip()


_MULTIPLIED = re.compile(
    r"\b(\w+)\s+(?:vestigingen|winkels|locaties|filialen|zaken|ploegen|teams|salons|restaurants)\b[^.\d]*?"
    r"\b(?:met elk|elk met|met ieder|ieder met|met in elke? \w+|in elke? \w+(?: staan| werken| zitten)?|"
    r"per (?:vestiging|winkel|locatie|filiaal|ploeg|team|salon|zaak))\s+(\w+)\b"
)


def _multiply(match: re.Match[str]) -> str:
    """Groups times their size: "2 vestigingen met elk 8 mensen" → "16"."""
    times, each = _number(match.group(1)), _number(match.group(2))
    if times is None or each is None:
        return match.group(0)
    return f"{int(times * each)}"


def _adjacent_range(match: re.Match[str]) -> str:
    low, high = _number(match.group(1)), _number(match.group(2))
    if low is None or high is None or high != low + 1:
        return match.group(0)
    return f"{int(low)} tot {int(high)} {match.group(3)}"


def _interns_included(folded: str) -> int:
    """1 when a stated count includes an intern ("met de stagiair erbij"), else 0."""
    return 1 if _INTERN_INCLUDED.search(folded) else 0


def parse_headcount(text: str) -> int | None:
    """The number of people working at the firm, or None when the text names none.

    Args:
        text: the entrepreneur's answer, e.g. "ik en vier monteurs".
    """
    folded = re.sub(r"\b(?:één|eén|éen)\b", " 1 ", text.lower())
    folded = strip_accents(folded).replace("+", " plus ").replace("&", " en ").replace("±", " ongeveer ")
    folded = re.sub(r"\b\d+\s*/\s*\d+\b", " ", folded)  # 24/7
    folded = re.sub(r"\b(?:een\s+)?(?:man|stuk|mannetje|persoon|stuks)\s+of\b", " ongeveer ", folded)
    folded = re.sub(r"\b(?:zo'?n|rond de|ongeveer|circa|ca|plm|pakweg|ruim|bijna|zo een)\b\.?", " ", folded)
    folded = re.sub(r"\s+", " ", folded).strip()
    folded = _normalise(folded)
    whole = folded

    later = list(_LATER.finditer(folded))
    for marker in reversed(later):
        tail = folded[marker.end() :]
        if sum(_counts(tail)) > 0:
            folded = tail
            break

    collective = re.search(r"\bmet\s+(?:z'?n|zijn|ons|onze)\s+([a-z]+)\b", folded)
    if collective and collective.group(1) in _COLLECTIVE:
        value = _COLLECTIVE[collective.group(1)]
        if not re.match(r"\s*,?\s*(?:en nog|plus|en ook nog|met nog)\b", folded[collective.end() :]):
            return max(1, value - _interns_included(folded))
        folded = f"{folded[: collective.start()]} {value} mensen {folded[collective.end() :]}"

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
            if not interns:
                interns = _interns_included(folded)
            return max(1, int(people - interns + 0.5))

    included = re.search(r"\b(?:inclusief|incl|waarvan)\b(.*)", folded)
    if included:
        # "10 mensen waarvan 6 parttime": the part is not added; interns in it are taken off.
        people, interns = _counts(folded[: included.start()])
        people -= _counts(included.group(1))[1]
    else:
        people, interns = _counts(folded)
    # People named after "inclusief" are part of the number before it.
    named_part = folded[: included.start()] if included and people > 0 else folded
    named = len(_NAMED_PERSON.findall(named_part)) + 2 * len(_PAIR.findall(named_part))
    adds_self = bool(_SELF_ADDED.search(named_part) or _EMPLOYER.search(whole)) and not _SELF_INCLUDED.search(folded)
    count = people + named + (1 if adds_self and (people or named or interns) else 0)
    if count > 0 and not interns:
        count -= _interns_included(folded)
    if count > 0:
        return max(1, int(count + 0.5))
    if _SOLO.search(folded) or re.fullmatch(r"(?:alleen\s+)?(?:ik|ikke|ikzelf|mijzelf|mezelf)", folded.strip(" .!")):
        return 1
    return None
