"""The zelfscan form: validating answers and asking the questions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.scan.answers import default_mapper, explicit_letter, warm_up_in_background
from bot.scan.content import LETTERS, Question, get_content
from bot.scan.presentation import ANSWER_ENTITY, option_buttons, option_label, question_fill

FORM_NAME = "zelfscan_form"
DOUBT_SLOT = "scan_twijfel"


def doubt_for(value: Any, question_id: str) -> tuple[str, ...]:
    """The two letters the bot offered for `question_id`, from the `scan_twijfel` slot."""
    if not isinstance(value, str) or ":" not in value:
        return ()
    qid, letters = value.split(":", 1)
    if qid != question_id or len(letters) != 2 or any(ch not in LETTERS for ch in letters):
        return ()
    return tuple(letters)


def chosen_letter(tracker: Tracker) -> str | None:
    """The letter a button payload put in the latest message's entities, if valid."""
    for entity in tracker.latest_message.get("entities", []):
        value = entity.get("value")
        if entity.get("entity") == ANSWER_ENTITY and isinstance(value, str) and value.upper() in LETTERS:
            return value.upper()
    return None


class ValidateZelfscanForm(FormValidationAction):
    """Maps each answer (button, letter, number or free text) to a letter A-F.

    Every `validate_scan_<id>` method delegates to `validate_answer` with its
    question; the methods are created from the content file below the class.
    """

    def name(self) -> str:
        """Unique identifier of the action."""
        return f"validate_{FORM_NAME}"

    def validate_answer(
        self,
        question: Question,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[str, Any]:
        """Validate the answer to `question`.

        Returns:
            The slot set to a letter, or left empty with `scan_twijfel` naming the two
            most likely letters, which `action_ask_scan_<id>` then offers as buttons.

        """
        text = str(slot_value or "").strip()
        offered = doubt_for(tracker.get_slot(DOUBT_SLOT), question.id)

        letter = chosen_letter(tracker) or explicit_letter(text)
        if letter:
            return {question.slot: letter, DOUBT_SLOT: None}
        if text.startswith("/"):
            dispatcher.utter_message(response="utter_default")
            return {question.slot: None}

        decision = default_mapper().decide(question.id, text)
        if decision.off_topic and not offered:
            dispatcher.utter_message(response="utter_scan_geen_antwoord")
            return {question.slot: None}
        if decision.letter is None and offered:
            # Second try after the two-button question: take the likelier of the two.
            rank = {letter: p for letter, p in zip(decision.candidates, decision.probabilities)}
            letter = max(offered, key=lambda candidate: rank.get(candidate, 0.0))
        elif decision.letter is None:
            return {question.slot: None, DOUBT_SLOT: f"{question.id}:{''.join(decision.candidates[:2])}"}
        else:
            letter = decision.letter
        dispatcher.utter_message(response="utter_scan_genoteerd", optie=option_label(question, letter))
        return {question.slot: letter, DOUBT_SLOT: None}


def _make_validator(question_id: str) -> Any:
    def validate(
        self: ValidateZelfscanForm,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        return self.validate_answer(get_content().question(question_id), slot_value, dispatcher, tracker)

    validate.__name__ = f"validate_scan_{question_id}"
    validate.__doc__ = f"Validate the answer to question '{question_id}'."
    return validate


class AskScanQuestion(Action, ABC):
    """Asks one scan question with its six options as buttons.

    While the bot doubts between two options (slot `scan_twijfel`), it asks which of
    those two fits best instead, with two buttons.
    """

    @property
    @abstractmethod
    def question_id(self) -> str:
        """The id of the question this action asks."""

    def name(self) -> str:
        """Unique identifier of the action."""
        return f"action_ask_scan_{self.question_id}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Send the question, or the two-option follow-up question."""
        content = get_content()
        question = content.question(self.question_id)
        offered = doubt_for(tracker.get_slot(DOUBT_SLOT), question.id)
        if offered:
            dispatcher.utter_message(response="utter_scan_twijfel", buttons=option_buttons(question, offered))
        else:
            dispatcher.utter_message(
                response="utter_ask_scan_vraag", buttons=option_buttons(question), **question_fill(content, question)
            )
        return []


ASK_ACTIONS: dict[str, type[AskScanQuestion]] = {}
for _question in get_content().questions:
    setattr(ValidateZelfscanForm, f"validate_{_question.slot}", _make_validator(_question.id))
    ASK_ACTIONS[_question.id] = type(
        f"ActionAskScan_{_question.id}", (AskScanQuestion,), {"question_id": _question.id, "__module__": __name__}
    )

# The action server imports this module at start-up: train the answer mapper now rather
# than on the first free-text answer.
warm_up_in_background()
