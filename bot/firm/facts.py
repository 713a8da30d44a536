"""The firm's facts as the dialogue keeps them in slots, and back.

Slots: `gemeente` (official CBS name), `provincie` (as in gemeenten.csv) and
`aantal_medewerkers` (a whole number). Values that are not valid (for instance the raw
text a form extracted before validation) read as unknown.
"""

from __future__ import annotations

import re
from typing import Any

from bot.firm.location import Location, gazetteer
from bot.firm.size import parse_headcount
from bot.loket.routing import Firm
from bot.text import strip_accents

GEMEENTE = "gemeente"
PROVINCIE = "provincie"
AANTAL = "aantal_medewerkers"
LOKET = "loket"

_PEOPLE_WORDS = re.compile(
    r"\b(?:man|mensen|medewerkers?|werknemers?|personeel|fte|collega'?s|zzp(?:'?er)?|personen|eenmanszaak|"
    r"alleen ik|in dienst|koppen|krachten)\b"
)


def firm_from_slots(gemeente: Any, provincie: Any, aantal: Any) -> Firm:
    """The firm as far as valid slot values tell."""
    places = gazetteer()
    municipality = places.municipality(gemeente) if isinstance(gemeente, str) else None
    province = municipality.province if municipality else None
    if province is None and isinstance(provincie, str) and provincie in places.provinces.values():
        province = provincie
    valid_count = isinstance(aantal, int | float) and not isinstance(aantal, bool) and aantal >= 1
    employees = int(aantal) if valid_count else None
    return Firm(municipality.name if municipality else None, province, employees)


def location_slots(location: Location) -> dict[str, Any]:
    """Slot values for a location that is certain (a municipality, or a province only); else {}."""
    if location.municipality:
        return {GEMEENTE: location.municipality.name, PROVINCIE: location.municipality.province}
    if not location.municipalities and location.province:
        return {GEMEENTE: None, PROVINCIE: location.province}
    return {}


def headcount_in_passing(text: str) -> int | None:
    """A headcount mentioned alongside something else ("Emmen, 5 man"); needs a word for people.

    A bare number in a location answer is a postcode or house number, not a headcount.
    """
    folded = strip_accents(text)
    if not _PEOPLE_WORDS.search(folded):
        return None
    return parse_headcount(re.sub(r"\b[1-9]\d{3}\s?[a-z]{2}\b", " ", folded))
