import numpy as np
import pytest
from rasa_sdk.events import SlotSet

from actions import scan_form
from actions.scan_form import ASK_ACTIONS, ValidateZelfscanForm, doubt_for
from bot.scan.answers import AnswerMapper, Example, Thresholds
from bot.scan.content import get_content
from bot.scan.presentation import answer_payload
from bot.text import normalise
from tests.actions.conftest import make_tracker

CONTENT = get_content()
TOOLS = CONTENT.question("tools")


def button(title_letter: str) -> dict:
    return {"title": f"{title_letter}. {TOOLS.options[title_letter]}", "payload": answer_payload(title_letter)}


async def validate(domain, dispatcher, text, slot="scan_tools", slots=None, entities=None):
    tracker = make_tracker(
        text, slots={"requested_slot": slot, **(slots or {})}, candidates={slot: text}, entities=entities
    )
    return await ValidateZelfscanForm().run(dispatcher, tracker, domain)


async def test_button_payload_sets_the_letter_without_a_message(domain, dispatcher):
    events = await validate(
        domain, dispatcher, answer_payload("D"), entities=[{"entity": "scan_antwoord", "value": "D"}]
    )
    assert events == [SlotSet("scan_tools", "D"), SlotSet("scan_twijfel", None)]
    assert dispatcher.messages == []


@pytest.mark.parametrize(("text", "letter"), [("b", "B"), ("optie e", "E"), ("6", "F"), ("de derde", "C")])
async def test_typed_letter_or_number(domain, dispatcher, text, letter):
    events = await validate(domain, dispatcher, text, slot="scan_ai")
    assert events == [SlotSet("scan_ai", letter), SlotSet("scan_twijfel", None)]
    assert dispatcher.messages == []


async def test_clear_free_text_is_mapped_and_confirmed(domain, dispatcher):
    events = await validate(domain, dispatcher, "we doen eigenlijk alles nog op papier en met de hand")
    assert events == [SlotSet("scan_tools", "A"), SlotSet("scan_twijfel", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_genoteerd"]
    assert dispatcher.messages[0]["optie"] == f"A. {TOOLS.options['A']}"


def papier_encoder(texts):
    vocab = ["papier", "excel", "samen"]
    out = np.array([[float(w in normalise(t)) for w in vocab] + [1.0] for t in texts])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def unsure_mapper(monkeypatch):
    """A mapper that learnt "papier" for both A and B, so it is unsure between them."""
    examples = [Example("tools", "A", "papier")] * 4 + [Example("tools", "B", "papier")] * 4
    mapper = AnswerMapper(CONTENT, examples, papier_encoder, Thresholds(min_probability=0.95, min_margin=0.9))
    monkeypatch.setattr(scan_form, "default_mapper", lambda: mapper)
    return mapper


async def test_unsure_answer_leaves_slot_empty_and_names_the_two_candidates(domain, dispatcher, unsure_mapper):
    events = await validate(domain, dispatcher, "papier")
    assert events == [SlotSet("scan_tools", None), SlotSet("scan_twijfel", "tools:AB")]
    assert dispatcher.messages == []


async def test_after_the_two_button_question_free_text_picks_the_likelier_of_the_two(domain, dispatcher, unsure_mapper):
    events = await validate(domain, dispatcher, "papier", slots={"scan_twijfel": "tools:BA"})
    assert events == [SlotSet("scan_tools", "A"), SlotSet("scan_twijfel", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_genoteerd"]


async def test_after_the_two_button_question_a_typed_other_letter_still_counts(domain, dispatcher, unsure_mapper):
    events = await validate(domain, dispatcher, "E", slots={"scan_twijfel": "tools:AB"})
    assert events == [SlotSet("scan_tools", "E"), SlotSet("scan_twijfel", None)]


async def test_unknown_payload_is_not_guessed(domain, dispatcher):
    events = await validate(domain, dispatcher, '/inform{"scan_antwoord":"Z"}')
    assert events == [SlotSet("scan_tools", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]


def test_doubt_for_only_accepts_its_own_question():
    assert doubt_for("tools:CD", "tools") == ("C", "D")
    assert doubt_for("tools:CD", "data") == ()
    assert doubt_for("tools:CZ", "tools") == ()
    assert doubt_for(None, "tools") == ()


def test_there_is_a_validator_and_an_ask_action_per_question():
    for question in CONTENT.questions:
        assert callable(getattr(ValidateZelfscanForm(), f"validate_{question.slot}"))
        assert ASK_ACTIONS[question.id]().name() == f"action_ask_{question.slot}"


async def test_ask_action_sends_the_question_with_six_buttons(domain, dispatcher):
    tracker = make_tracker(slots={"requested_slot": "scan_tools"})
    events = await ASK_ACTIONS["tools"]().run(dispatcher, tracker, domain)
    assert events == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_scan_vraag"
    assert (message["nummer"], message["totaal"], message["titel"]) == (1, 7, TOOLS.title)
    assert message["vraag"] == TOOLS.prompt
    assert message["buttons"] == [button(letter) for letter in "ABCDEF"]


async def test_ask_action_offers_two_buttons_while_in_doubt(domain, dispatcher):
    tracker = make_tracker(slots={"requested_slot": "scan_tools", "scan_twijfel": "tools:CB"})
    await ASK_ACTIONS["tools"]().run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["response"] == "utter_scan_twijfel"
    assert message["buttons"] == [button("C"), button("B")]


async def test_off_topic_text_is_not_taken_as_an_answer(domain, dispatcher):
    events = await validate(domain, dispatcher, "ik wil een pizza bestellen")
    assert events == [SlotSet("scan_tools", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_geen_antwoord"]
