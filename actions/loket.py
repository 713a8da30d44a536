"""The loket advice, and changing the firm's facts afterwards."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.firm_form import confirm_location, known_firm, read_location
from bot.firm.facts import AANTAL, GEMEENTE, LOKET, PROVINCIE, headcount_in_passing
from bot.firm.size import parse_headcount
from bot.loket.presentation import advice
from bot.loket.registry import get_registry
from bot.loket.routing import route_firm
from bot.scan.content import get_content


class ActionLoketAdvies(Action):
    """Tells the entrepreneur which loket helps them next, why, and what may fit their phase."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_loket_advies"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Route the firm, send the advice and set slot `loket`."""
        registry = get_registry()
        firm = known_firm(tracker)
        routing = route_firm(registry, firm)
        if routing is None:
            dispatcher.utter_message(response="utter_loket_onvolledig")
            return []
        chosen = tracker.get_slot(LOKET)
        loket = routing.loket or next((x for x in routing.lokets if x.id == chosen), None)
        if loket is None:
            dispatcher.utter_message(response="utter_loket_onvolledig")
            return []
        phase = tracker.get_slot("fase")
        for message in advice(registry, get_content(), routing, loket, firm, phase if isinstance(phase, str) else None):
            dispatcher.utter_message(response=message.response, buttons=message.buttons or None, **message.fill)
        return [SlotSet(LOKET, loket.id)]


class ActionBedrijfWijzigen(Action):
    """Takes a new location or size given outside the form ("we zitten eigenlijk in Groningen").

    Afterwards the firm form runs again: it asks what is still missing (which one of an
    ambiguous place, a loket choice) and the loket advice follows.
    """

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_bedrijf_wijzigen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Set the slots the message changes; forget the loket so that it is chosen again."""
        text = tracker.latest_message.get("text") or ""
        intent = tracker.get_intent_of_latest_message()
        slots: Dict[str, Any] = {}

        found, location = read_location(tracker, text)
        if found:
            slots.update(found)
        elif location.ambiguous:
            slots.update({GEMEENTE: None, PROVINCIE: None})  # action_ask_gemeente asks which one
        elif intent == "inform_location":
            dispatcher.utter_message(response="utter_gemeente_onbekend")
            slots.update({GEMEENTE: None, PROVINCIE: None})
        if slots.get(PROVINCIE):
            confirm_location(dispatcher, slots)

        count = parse_headcount(text) if intent == "inform_size" else headcount_in_passing(text)
        if count is not None:
            slots[AANTAL] = count
            dispatcher.utter_message(response="utter_aantal_genoteerd", aantal=count)
        elif intent == "inform_size":
            dispatcher.utter_message(response="utter_aantal_onbekend")
            slots[AANTAL] = None
        return [SlotSet(name, value) for name, value in {**slots, LOKET: None}.items()]


class ActionBedrijfTerug(Action):
    """Goes back one question in the firm form ("terug")."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_bedrijf_terug"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Clear the answer before the current question, so that the form asks it again."""
        asking = tracker.get_slot("requested_slot")
        if asking == AANTAL:
            dispatcher.utter_message(response="utter_scan_terug")
            return [SlotSet(GEMEENTE, None), SlotSet(PROVINCIE, None), SlotSet(LOKET, None)]
        if asking == LOKET:
            dispatcher.utter_message(response="utter_scan_terug")
            return [SlotSet(AANTAL, None), SlotSet(LOKET, None)]
        dispatcher.utter_message(response="utter_bedrijf_terug_eerste_vraag")
        return []


# The action server imports this module at start-up: a broken registry stops it there,
# naming the entry and field, and the place names are indexed before the first message.
get_registry()
