"""Hand-off to an adviser: the request form, the request itself, and what the adviser does.

The dialogue around an active hand-off (silence, forwarding, resuming the interrupted
form) is decided by `bot.handoff.policy.HandoffPolicy`; these actions do the work.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.firm_form import latest_entity
from bot.firm.facts import AANTAL, GEMEENTE, LOKET, PROVINCIE
from bot.handoff.consent import read_consent
from bot.handoff.contact import CHAT, TERUGBELLEN, looks_like_contact_attempt, read_contact, read_name, read_preference
from bot.handoff.names import AANGEVRAAGD, ACTIEF, AFGEROND, HANDOFF_ID, HANDOFF_STATUS, ONDERBROKEN
from bot.handoff.service import HandoffService, HandoffServiceError, get_service
from bot.loket.registry import Loket, get_registry
from bot.scan.content import get_content
from bot.scan.scoring import IncompleteScan, score

logger = logging.getLogger(__name__)

FORM_NAME = "handoff_form"
VOORKEUR, NAAM, GEGEVEN, TOESTEMMING = "contact_voorkeur", "contact_naam", "contact_gegeven", "contact_toestemming"
VRAAG = "handoff_vraag"
CONTACT_SLOTS = (VOORKEUR, NAAM, GEGEVEN, TOESTEMMING)
OPEN = (AANGEVRAAGD, ACTIEF)
INTERRUPTIBLE_FORMS = ("zelfscan_form", "bedrijf_form")

# Fails at action-server start when the settings are wrong (naming the variable).
SERVICE = get_service()


def retention_days() -> int:
    """How long consented contact details are kept (the console purges them after that)."""
    return int(os.environ.get("BEWAARTERMIJN_DAGEN", "30"))


def user_text(tracker: Tracker) -> str:
    """The latest message as typed; empty for a button payload ("/ask_human")."""
    text = str(tracker.latest_message.get("text") or "")
    return "" if text.startswith("/") else text


def firm_loket(tracker: Tracker) -> Loket:
    """The firm's loket from slot `loket`, or the KVK when it is not known yet."""
    registry = get_registry()
    loket_id = tracker.get_slot(LOKET)
    known = registry.lokets.get(loket_id) if isinstance(loket_id, str) else None
    return known or registry.loket("kvk")


def loket_fill(tracker: Tracker) -> Dict[str, str]:
    """{loket_naam, loket_website} of the loket to contact directly.

    The KVK stands in when the loket is not known yet or has no website we could confirm.
    """
    loket = firm_loket(tracker)
    if not loket.website:
        loket = get_registry().loket("kvk")
    return {"loket_naam": loket.name, "loket_website": loket.website or ""}


def scan_summary(tracker: Tracker) -> Dict[str, Any]:
    """The scan answers given so far, the phase and the focus topics (for the adviser)."""
    content = get_content()
    answers = {q.id: tracker.get_slot(q.slot) for q in content.questions}
    given = {qid: letter for qid, letter in answers.items() if isinstance(letter, str) and letter in "ABCDEF"}
    focus: List[str] = []
    try:
        focus = [q.id for q in score(content, answers).focus]
    except IncompleteScan:
        pass
    return {"scan_antwoorden": given, "fase": tracker.get_slot("fase"), "focus": focus}


def request_body(tracker: Tracker) -> Dict[str, Any]:
    """The hand-off request for the service (DEVELOPERS.md); contact details only with consent."""
    consent = tracker.get_slot(TOESTEMMING) is True
    contact = read_contact(str(tracker.get_slot(GEGEVEN) or "")) if consent else None
    naam = tracker.get_slot(NAAM) if consent else None
    return {
        "conversation_id": tracker.sender_id,
        "channel": tracker.get_latest_input_channel() or "onbekend",
        "loket": tracker.get_slot(LOKET),
        **scan_summary(tracker),
        "gemeente": tracker.get_slot(GEMEENTE),
        "provincie": tracker.get_slot(PROVINCIE),
        "aantal_medewerkers": tracker.get_slot(AANTAL),
        "contact_voorkeur": tracker.get_slot(VOORKEUR) or CHAT,
        "toestemming": consent,
        "naam": naam or None,
        "telefoon": contact.waarde if contact and contact.soort == "telefoon" else None,
        "email": contact.waarde if contact and contact.soort == "email" else None,
        "vraag": tracker.get_slot(VRAAG) if consent else None,
    }


class ActionHandoffStart(Action):
    """Starts a request for a person: remembers the interrupted form and the user's words."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Reset the contact questions (keeping a preference chosen with the button)."""
        if tracker.get_slot(HANDOFF_STATUS) in OPEN:
            return []
        loop = tracker.active_loop.get("name")
        events: List[EventType] = [SlotSet(ONDERBROKEN, loop if loop in INTERRUPTIBLE_FORMS else None)]
        preset = latest_entity(tracker, VOORKEUR)
        events += [SlotSet(VOORKEUR, preset if preset in (CHAT, TERUGBELLEN) else None)]
        events += [SlotSet(NAAM, None), SlotSet(GEGEVEN, None), SlotSet(TOESTEMMING, None)]
        text = user_text(tracker)
        events.append(SlotSet(VRAAG, text or None))
        if SERVICE is not None:
            dispatcher.utter_message(response="utter_handoff_intro")
        return events


class ValidateHandoffForm(FormValidationAction):
    """Validates the contact questions; asks only what the chosen way of contact needs."""

    def name(self) -> str:
        """Unique identifier of the form validation action."""
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Nothing when a hand-off is open or not configured; otherwise preference, name, detail, consent."""
        if SERVICE is None or tracker.get_slot(HANDOFF_STATUS) in OPEN:
            return []
        slots = [VOORKEUR, NAAM]
        if tracker.get_slot(VOORKEUR) == TERUGBELLEN:
            slots.append(GEGEVEN)
        if tracker.get_slot(NAAM) or tracker.get_slot(GEGEVEN):
            slots.append(TOESTEMMING)
        return slots

    def validate_contact_voorkeur(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Chat or call-back; a phone number or e-mail typed right away counts as both."""
        if value in (CHAT, TERUGBELLEN):
            return {VOORKEUR: value}
        text = str(value or "")
        preference = read_preference(text)
        if preference is None:
            dispatcher.utter_message(response="utter_handoff_voorkeur_onbekend")
            return {VOORKEUR: None}
        contact = read_contact(text)
        return {VOORKEUR: preference, **({GEGEVEN: contact.waarde} if contact else {})}

    def validate_contact_naam(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A first name, or "" when the entrepreneur skips it."""
        name = read_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(response="utter_handoff_naam_onbekend")
            return {NAAM: None}
        return {NAAM: name}

    def validate_contact_gegeven(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A Dutch phone number or an e-mail address, normalised."""
        text = str(value or "")
        contact = read_contact(text)
        if contact is None:
            invalid = looks_like_contact_attempt(text)
            dispatcher.utter_message(
                response="utter_handoff_gegeven_ongeldig" if invalid else "utter_ask_contact_gegeven"
            )
            return {GEGEVEN: None}
        return {GEGEVEN: contact.waarde}

    def validate_contact_toestemming(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """True or False from the buttons or a free yes/no."""
        consent = value if isinstance(value, bool) else read_consent(str(value or ""))
        if consent is None:
            dispatcher.utter_message(response="utter_handoff_toestemming_onbekend")
        return {TOESTEMMING: consent}


class ActionAskContactToestemming(Action):
    """Asks consent to store the details, saying for how long."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_ask_contact_toestemming"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the consent question with the retention period and the loket."""
        dispatcher.utter_message(
            response="utter_ask_contact_toestemming", bewaartermijn=str(retention_days()), **loket_fill(tracker)
        )
        return []


def forget_contact() -> List[EventType]:
    """Events that drop every contact detail from the conversation's slots."""
    return [SlotSet(NAAM, None), SlotSet(GEGEVEN, None), SlotSet(TOESTEMMING, None), SlotSet(VRAAG, None)]


class ActionHandoffAanvragen(Action):
    """Sends the request to the hand-off service and tells the entrepreneur what happens next."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_aanvragen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Request, or explain honestly why no adviser can take over now."""
        fill = loket_fill(tracker)
        if tracker.get_slot(HANDOFF_STATUS) in OPEN:
            dispatcher.utter_message(response="utter_handoff_al_aangevraagd")
            return []
        if SERVICE is None:
            dispatcher.utter_message(response="utter_handoff_niet_ingericht", **fill)
            return []
        preference = tracker.get_slot(VOORKEUR) or CHAT
        consent = tracker.get_slot(TOESTEMMING) is True
        if preference == TERUGBELLEN and not consent:
            dispatcher.utter_message(response="utter_handoff_geen_toestemming", **fill)
            return forget_contact()
        given = any(tracker.get_slot(slot) not in (None, "") for slot in (NAAM, GEGEVEN, TOESTEMMING, VRAAG))
        events = forget_contact() if given and not consent else []
        return events + await self._request(dispatcher, tracker, SERVICE, preference, fill)

    async def _request(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        service: HandoffService,
        preference: str,
        fill: Dict[str, str],
    ) -> List[EventType]:
        try:
            answer = await service.request(request_body(tracker))
        except HandoffServiceError as error:
            logger.error("Hand-off request failed: %s", error)
            dispatcher.utter_message(response="utter_handoff_storing", **fill)
            return []
        if preference == CHAT:
            if not answer.beschikbaar:
                reason = (
                    "utter_handoff_buiten_kantooruren"
                    if answer.reden == "buiten_kantooruren"
                    else "utter_handoff_geen_adviseur"
                )
                dispatcher.utter_message(response=reason, **fill)
                return [SlotSet(HANDOFF_STATUS, None)]
            dispatcher.utter_message(response="utter_handoff_aangevraagd_chat", **fill)
        else:
            response = (
                "utter_handoff_aangevraagd_terugbellen" if answer.beschikbaar else "utter_handoff_terugbellen_later"
            )
            dispatcher.utter_message(response=response, contact=str(tracker.get_slot(GEGEVEN)), **fill)
        status = AANGEVRAAGD if preference == CHAT else AFGEROND
        return [SlotSet(HANDOFF_STATUS, status), SlotSet(HANDOFF_ID, answer.id)]


class ActionHandoffDoorsturen(Action):
    """While an adviser has the conversation: pass the message on and say nothing."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_doorsturen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Forward the latest message to the console; it stays in the transcript either way.

        A message meant for the adviser is not an answer to the bot: slots that Rasa filled
        from it (e.g. the open scan question) are set back.
        """
        events = undo_slot_extraction(tracker)
        handoff_id = tracker.get_slot(HANDOFF_ID)
        if SERVICE is None or handoff_id is None:
            return events
        try:
            await SERVICE.forward(int(handoff_id), str(tracker.latest_message.get("text") or ""), _latest_time(tracker))
        except HandoffServiceError as error:
            logger.error("Forwarding to the console failed (the message is in the transcript): %s", error)
        return events


def undo_slot_extraction(tracker: Tracker) -> List[EventType]:
    """SlotSet events that restore every slot set since the latest user message to its earlier value."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return []
    changed = {e["name"] for e in events[last_user + 1 :] if e.get("event") == "slot" and e.get("name")}
    restored: List[EventType] = []
    for name in sorted(changed):
        before = next(
            (
                e.get("value")
                for e in reversed(events[:last_user])
                if e.get("event") == "slot" and e.get("name") == name
            ),
            None,
        )
        restored.append(SlotSet(name, before))
    return restored


def _latest_time(tracker: Tracker) -> float:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return float(event.get("timestamp") or 0.0)
    return 0.0


class ActionHandoffOvername(Action):
    """An adviser claimed the conversation: say who it is; from now on the bot is silent."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_overname"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Set `handoff_status` to actief and introduce the adviser."""
        adviseur = latest_entity(tracker, "adviseur") or "Een adviseur"
        naam = firm_loket(tracker).name
        dispatcher.utter_message(response="utter_handoff_overname", adviseur_naam=adviseur, loket_naam=naam)
        return [SlotSet(HANDOFF_STATUS, ACTIEF)]


class ActionAdviseurBericht(Action):
    """Delivers an adviser's reply in the entrepreneur's own channel."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_adviseur_bericht"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the text; `adviseur` in the message metadata marks it as the adviser's."""
        text = latest_entity(tracker, "bericht")
        if text:
            dispatcher.utter_message(
                response="utter_adviseur_bericht", bericht=text, adviseur=latest_entity(tracker, "adviseur") or ""
            )
        return []


class ActionHandoffEinde(Action):
    """The adviser closed or handed back: the bot says so and goes on."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_einde"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Set `handoff_status` to afgerond; an interrupted form continues (HandoffPolicy)."""
        intent = tracker.latest_message.get("intent", {}).get("name")
        dispatcher.utter_message(
            response="utter_handoff_terug" if intent == "adviseur_terug" else "utter_handoff_afgerond"
        )
        return [SlotSet(HANDOFF_STATUS, AFGEROND)]


class ActionHandoffVerlopen(Action):
    """Nobody claimed the request in time: say so honestly and offer a call-back."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_handoff_verlopen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Close the request in the conversation and offer the call-back."""
        if tracker.get_slot(HANDOFF_STATUS) != AANGEVRAAGD:
            return []
        dispatcher.utter_message(response="utter_handoff_verlopen", **loket_fill(tracker))
        return [SlotSet(HANDOFF_STATUS, None), SlotSet(HANDOFF_ID, None)]


class ActionGegevensVerwijderen(Action):
    """Removes this conversation's contact details ("verwijder mijn gegevens") and says so."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_gegevens_verwijderen"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Clear the slots and the hand-off records of this conversation."""
        if SERVICE is not None:
            try:
                await SERVICE.delete_personal_data(tracker.sender_id)
            except HandoffServiceError as error:
                logger.error("Deleting personal data failed: %s", error)
                dispatcher.utter_message(response="utter_gegevens_verwijderen_mislukt", **loket_fill(tracker))
                return forget_contact()
        dispatcher.utter_message(response="utter_gegevens_verwijderd")
        return forget_contact()
