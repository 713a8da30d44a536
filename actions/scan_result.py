"""The scan result: phase and focus topics.

The subsidy and the adviser offer follow with the loket advice (actions/loket.py),
once the bot knows where the firm is: subsidies differ per region.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.scan.content import get_content
from bot.scan.presentation import focus_fill, phase_fill
from bot.scan.scoring import IncompleteScan, score


class ActionScanResultaat(Action):
    """Scores the completed scan, sets slot `fase` and tells the result."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return "action_scan_resultaat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the result messages and set `fase`."""
        content = get_content()
        answers = {q.id: tracker.get_slot(q.slot) for q in content.questions}
        try:
            result = score(content, answers)
        except IncompleteScan:
            dispatcher.utter_message(response="utter_scan_onvolledig")
            return []

        fill = phase_fill(result)
        dispatcher.utter_message(response="utter_scan_fase_tussen" if result.between else "utter_scan_fase", **fill)
        dispatcher.utter_message(response="utter_scan_focus", **focus_fill(result))
        dispatcher.utter_message(response="utter_scan_indicatie")
        return [SlotSet("fase", result.phase.id)]
