"""Steering the scan: go back to the previous answer, start over."""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.scan_form import DOUBT_SLOT
from bot.scan.answers import correction_letter, correction_text, default_mapper
from bot.scan.content import get_content
from bot.scan.presentation import option_label


class ActionScanTerug(Action):
    """Corrects the previous answer ("terug", "bij de vorige bedoelde ik C").

    With a letter or a clear answer in the message the previous answer is changed
    at once and the current question is asked again; otherwise the previous answer
    is cleared so that the form asks that question again.
    """

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_scan_terug"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Change or clear the previous answer."""
        content = get_content()
        requested = tracker.get_slot("requested_slot")
        if requested not in content.slots:
            dispatcher.utter_message(response="utter_scan_terug_buiten_scan")
            return []
        index = content.slots.index(requested)
        if index == 0:
            dispatcher.utter_message(response="utter_scan_terug_eerste_vraag")
            return []
        previous = content.questions[index - 1]
        text = tracker.latest_message.get("text") or ""

        letter = correction_letter(text)
        if letter is None and (answer := correction_text(text)):
            letter = default_mapper().decide(previous.id, answer).letter
        if letter:
            dispatcher.utter_message(
                response="utter_scan_antwoord_aangepast",
                nummer=previous.number,
                titel=previous.title,
                optie=option_label(previous, letter),
            )
            return [SlotSet(previous.slot, letter), SlotSet(DOUBT_SLOT, None)]

        dispatcher.utter_message(response="utter_scan_terug")
        return [SlotSet(previous.slot, None), SlotSet(DOUBT_SLOT, None)]


RESTART_MIN_CONFIDENCE = 0.8
"""Below this intent confidence "opnieuw" is confirmed first when answers would be lost."""


class ActionRestart(Action):
    """Start over ("opnieuw"): clear the scan's answers so that the form starts at question 1.

    Overrides Rasa's default `action_restart` (which the RulePolicy always predicts
    for intent `restart`): the conversation and its log are kept, only the scan's
    answers and result are cleared. When the restart intent is uncertain and there are
    answers to lose, nothing is cleared: the bot offers a button to confirm and the
    scan goes on where it was.
    """

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Clear the answers, the pending doubt and the phase (or ask to confirm)."""
        slots = get_content().slots
        confidence = (tracker.latest_message.get("intent") or {}).get("confidence") or 0.0
        has_answers = any(tracker.get_slot(slot) for slot in slots)
        if has_answers and confidence < RESTART_MIN_CONFIDENCE:
            dispatcher.utter_message(response="utter_scan_opnieuw_bevestigen")
            return [] if tracker.active_loop_name else [FollowupAction("action_listen")]

        dispatcher.utter_message(response="utter_scan_opnieuw")
        events: List[EventType] = [SlotSet(slot, None) for slot in slots]
        return [*events, SlotSet(DOUBT_SLOT, None), SlotSet("fase", None), SlotSet("requested_slot", None)]
