"""The firm form: where the firm is, how many people work there, and a loket choice.

The choice is asked only where the region is not certain (see the registry's routes).
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.firm.facts import AANTAL, GEMEENTE, LOKET, PROVINCIE, firm_from_slots, headcount_in_passing, location_slots
from bot.firm.location import Location, gazetteer
from bot.firm.size import parse_headcount
from bot.loket.presentation import (
    LOKET_ENTITY,
    MUNICIPALITY_ENTITY,
    loket_buttons,
    loket_from_text,
    municipality_buttons,
)
from bot.loket.registry import get_registry
from bot.loket.routing import Firm, Routing, needs_municipality, route_firm

FORM_NAME = "bedrijf_form"


def latest_entity(tracker: Tracker, name: str) -> str | None:
    """The value of entity `name` in the latest message (a button payload), if any."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return str(entity["value"])
    return None


def known_firm(tracker: Tracker) -> Firm:
    """The firm's facts from the tracker's slots (invalid values read as unknown)."""
    return firm_from_slots(tracker.get_slot(GEMEENTE), tracker.get_slot(PROVINCIE), tracker.get_slot(AANTAL))


def choice_routing(firm: Firm) -> Routing | None:
    """The routing when it asks the entrepreneur to choose a loket, else None."""
    if firm.employees is None or not (firm.municipality or firm.province):
        return None
    routing = route_firm(get_registry(), firm)
    return routing if routing is not None and routing.is_choice else None


def located(tracker: Tracker, text: str) -> Location:
    """The location in `text`, narrowed to the province the entrepreneur already gave."""
    return gazetteer().locate(text).within(tracker.get_slot(PROVINCIE))


def read_location(tracker: Tracker, text: str) -> tuple[Dict[str, Any], Location]:
    """Slots for a certain location in the latest message (a candidate button or text), and what was found."""
    code = latest_entity(tracker, MUNICIPALITY_ENTITY)
    municipality = gazetteer().municipality(code) if code else None
    if municipality:
        location = Location((municipality,), municipality.province, municipality.name)
    else:
        location = located(tracker, text)
    return location_slots(location), location


def confirm_location(dispatcher: CollectingDispatcher, slots: Dict[str, Any]) -> None:
    """Say what was noted: the municipality, or the province only."""
    if slots.get(GEMEENTE):
        dispatcher.utter_message(
            response="utter_gemeente_genoteerd", gemeente=slots[GEMEENTE], provincie=slots[PROVINCIE]
        )
    else:
        dispatcher.utter_message(response="utter_provincie_genoteerd", provincie=slots[PROVINCIE])


class ValidateBedrijfForm(FormValidationAction):
    """Validates the firm's location, size and loket choice; never stores a guess."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return f"validate_{FORM_NAME}"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        """Location and size; the municipality only where it matters; a loket choice where the region is unsure."""
        firm = known_firm(tracker)
        slots = [GEMEENTE, AANTAL]
        if (
            firm.municipality is None
            and firm.province
            and not needs_municipality(get_registry(), firm.province, firm.employees)
        ):
            slots.remove(GEMEENTE)
        if choice_routing(firm) is not None:
            slots.append(LOKET)
        return slots

    def validate_gemeente(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A municipality (or a province only); an ambiguous name is asked again with buttons."""
        text = str(slot_value or "").strip()
        slots, location = read_location(tracker, text)
        if not slots and text.startswith("/"):
            dispatcher.utter_message(response="utter_default")
            return {GEMEENTE: None}
        size = headcount_in_passing(text)
        extra = {AANTAL: size} if size else {}
        if slots:
            confirm_location(dispatcher, slots)
            return {**slots, **extra, LOKET: None}
        if location.ambiguous:
            return {GEMEENTE: None, **extra}  # action_ask_gemeente offers the candidates
        dispatcher.utter_message(response="utter_gemeente_onbekend")
        return {GEMEENTE: None}

    def validate_aantal_medewerkers(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A whole number of people; a location given instead is taken as a correction."""
        text = str(slot_value or "").strip()
        count = None if text.startswith("/") else parse_headcount(text)
        if count is not None:
            dispatcher.utter_message(response="utter_aantal_genoteerd", aantal=count)
            return {AANTAL: count, LOKET: None}
        if tracker.get_intent_of_latest_message() == "inform_location":
            slots = location_slots(located(tracker, text))
            if slots:
                confirm_location(dispatcher, slots)
                return {**slots, AANTAL: None, LOKET: None}
        dispatcher.utter_message(response="utter_aantal_onbekend")
        return {AANTAL: None}

    def validate_loket(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """One of the lokets offered (button, name or number)."""
        routing = choice_routing(known_firm(tracker))
        if routing is None:
            return {LOKET: None}
        chosen = latest_entity(tracker, LOKET_ENTITY) or loket_from_text(str(slot_value or ""), routing.lokets)
        if chosen in {loket.id for loket in routing.lokets}:
            return {LOKET: chosen}
        dispatcher.utter_message(response="utter_loket_kies_knop")
        return {LOKET: None}


class ActionAskGemeente(Action):
    """Asks where the firm is: which one of an ambiguous name, or which municipality in a province."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_ask_gemeente"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the question that fits what the entrepreneur said last."""
        answering = tracker.get_slot("requested_slot") == GEMEENTE
        if answering or tracker.get_intent_of_latest_message() == "inform_location":
            location = located(tracker, tracker.latest_message.get("text") or "")
            if location.ambiguous:
                dispatcher.utter_message(
                    response="utter_ask_gemeente_welke", plaats=location.place, buttons=municipality_buttons(location)
                )
                return []
        firm = known_firm(tracker)
        if firm.province and firm.municipality is None:
            dispatcher.utter_message(response="utter_ask_gemeente_in_provincie", provincie=firm.province)
        else:
            dispatcher.utter_message(response="utter_ask_gemeente")
        return []


class ActionAskLoket(Action):
    """Offers the lokets to choose from where the region is not certain."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_ask_loket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the choice with a button per loket."""
        firm = known_firm(tracker)
        routing = choice_routing(firm)
        if routing is not None:
            dispatcher.utter_message(
                response="utter_ask_loket",
                plaats=firm.municipality or firm.province,
                buttons=loket_buttons(routing.lokets),
            )
        return []
