"""What the bot sends about the loket: which responses, filled with registry facts.

The Dutch texts are responses in `domain.yml`; this module only chooses them and
fills their variables from the registry, the scan content and the firm's facts, so
that actions stay thin and the choice can be tested without Rasa.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.firm.location import Location
from bot.loket.registry import Loket, Registry
from bot.loket.routing import Firm, Routing
from bot.scan.content import ScanContent
from bot.text import normalise

MUNICIPALITY_ENTITY = "gemeentecode"
LOKET_ENTITY = "loket_keuze"


@dataclass(frozen=True)
class Message:
    """One response to send: its name, template variables and buttons."""

    response: str
    fill: dict[str, Any] = field(default_factory=dict)
    buttons: list[dict[str, str]] = field(default_factory=list)


def municipality_buttons(location: Location) -> list[dict[str, str]]:
    """One button per candidate municipality of an ambiguous place name."""
    buttons = []
    for municipality in location.municipalities:
        place = location.place or municipality.name
        title = (
            f"{municipality.name} ({municipality.province})"
            if place == municipality.name
            else f"{place} (gem. {municipality.name}, {municipality.province})"
        )
        payload = "/inform_location" + json.dumps({MUNICIPALITY_ENTITY: municipality.code})
        buttons.append({"title": title, "payload": payload})
    return buttons


def loket_buttons(lokets: tuple[Loket, ...]) -> list[dict[str, str]]:
    """One button per loket the entrepreneur may choose."""
    return [{"title": loket.name, "payload": "/inform" + json.dumps({LOKET_ENTITY: loket.id})} for loket in lokets]


def place_of(firm: Firm) -> str:
    """The municipality, or the province when only that is known."""
    return firm.municipality or firm.province or ""


def advice(
    registry: Registry, content: ScanContent, routing: Routing, loket: Loket, firm: Firm, phase_id: str | None
) -> list[Message]:
    """The messages that tell the entrepreneur where to go next.

    Args:
        registry: the loket registry (for regional programmes).
        content: the scan content (for phase names and subsidies).
        routing: the route that matched.
        loket: the loket (the routed one, or the one the entrepreneur chose).
        firm: what is known about the firm.
        phase_id: the scan phase, when the scan is done.

    Returns:
        The loket with why this one and its website; for a loket with partners per phase,
        the next-step partner and the subsidy for the phase; otherwise that the loket can
        advise on subsidies (and, for the "everyone else" route, the regional programmes
        of the province);
        then the offer to get in touch.

    """
    fill = {
        "loket_naam": loket.name,
        "loket_beschrijving": loket.description,
        "plaats": place_of(firm),
        "provincie": firm.province or "",
        "aantal": firm.employees if firm.employees is not None else "",
    }
    messages = [
        Message("utter_loket_reden_" + routing.route.id, fill),
        Message("utter_loket" if loket.website else "utter_loket_zonder_website", {**fill, "website": loket.website}),
    ]
    phase = content.phase(phase_id) if phase_id else None
    partner = loket.partners.get(phase.id) if phase else None
    if phase and partner:
        messages.append(Message("utter_loket_partner", {"fase_naam": phase.name, "partner": partner}))
    subsidy = content.subsidy_for_phase(phase.id) if phase else None
    if subsidy and subsidy.id in loket.subsidies:
        messages.append(
            Message("utter_loket_subsidie", {"subsidie_naam": subsidy.name, "subsidie_doel": subsidy.purpose})
        )
    else:
        messages.append(Message("utter_loket_subsidie_advies", {"loket_naam": loket.name}))
    programmes = registry.regional_programmes.get(firm.province or "", ())
    if routing.route.catch_all and programmes:
        messages.append(
            Message("utter_loket_programmas", {"provincie": firm.province, "programmas": ", ".join(programmes)})
        )
    messages.append(Message("utter_loket_contact"))
    return messages


def loket_from_text(text: str, lokets: tuple[Loket, ...]) -> str | None:
    """The loket a typed answer names: its number in the list, its name, or a word of its name."""
    folded = normalise(text)
    if folded.isdigit() and 1 <= int(folded) <= len(lokets):
        return lokets[int(folded) - 1].id
    named = [
        loket.id for loket in lokets if folded and (folded in normalise(loket.name) or normalise(loket.name) in folded)
    ]
    if len(named) == 1:
        return named[0]
    words = set(folded.split())
    hits = [loket.id for loket in lokets if words & (set(normalise(loket.name).split()) - {"regio", "mkb"})]
    return hits[0] if len(hits) == 1 else None
