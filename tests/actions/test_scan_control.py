from rasa_sdk.events import FollowupAction, SlotSet

from actions.scan_control import ActionRestart, ActionScanTerug
from bot.scan.content import get_content
from tests.actions.conftest import make_tracker

CONTENT = get_content()


async def test_go_back_with_a_letter_changes_the_previous_answer(domain, dispatcher):
    tracker = make_tracker(
        "nee, bij de vorige vraag bedoelde ik C",
        intent="go_back",
        slots={"requested_slot": "scan_data", "scan_tools": "A"},
    )
    events = await ActionScanTerug().run(dispatcher, tracker, domain)
    assert events == [SlotSet("scan_tools", "C"), SlotSet("scan_twijfel", None)]
    [message] = dispatcher.messages
    assert message["response"] == "utter_scan_antwoord_aangepast"
    assert (message["nummer"], message["optie"]) == (1, f"C. {CONTENT.question('tools').options['C']}")


async def test_go_back_with_free_text_maps_it_for_the_previous_question(domain, dispatcher):
    tracker = make_tracker(
        "nee bij de vorige bedoelde ik dat we nog niks met AI doen",
        intent="go_back",
        slots={"requested_slot": "scan_strategie", "scan_ai": "D"},
    )
    events = await ActionScanTerug().run(dispatcher, tracker, domain)
    assert events == [SlotSet("scan_ai", "A"), SlotSet("scan_twijfel", None)]


async def test_plain_go_back_clears_the_previous_answer_so_it_is_asked_again(domain, dispatcher):
    tracker = make_tracker("terug", intent="go_back", slots={"requested_slot": "scan_processen", "scan_data": "B"})
    events = await ActionScanTerug().run(dispatcher, tracker, domain)
    assert events == [SlotSet("scan_data", None), SlotSet("scan_twijfel", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_terug"]


async def test_go_back_at_the_first_question(domain, dispatcher):
    tracker = make_tracker("terug", intent="go_back", slots={"requested_slot": "scan_tools"})
    assert await ActionScanTerug().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_terug_eerste_vraag"]


async def test_go_back_outside_the_scan(domain, dispatcher):
    tracker = make_tracker("terug", intent="go_back", slots={"requested_slot": None}, active_loop=None)
    assert await ActionScanTerug().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_terug_buiten_scan"]


async def test_restart_clears_answers_doubt_phase_and_requested_slot(domain, dispatcher):
    tracker = make_tracker("opnieuw", intent="restart", slots={"scan_tools": "B", "fase": "starten"})
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert events == [SlotSet(slot, None) for slot in CONTENT.slots] + [
        SlotSet("scan_twijfel", None),
        SlotSet("fase", None),
        SlotSet("requested_slot", None),
    ]
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_opnieuw"]


async def test_uncertain_restart_with_answers_asks_to_confirm_and_clears_nothing(domain, dispatcher):
    tracker = make_tracker("wisselt nogal", intent="restart", confidence=0.57, slots={"scan_tools": "B"})
    assert await ActionRestart().run(dispatcher, tracker, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_opnieuw_bevestigen"]


async def test_uncertain_restart_after_the_scan_waits_for_the_user(domain, dispatcher):
    tracker = make_tracker("hmm", intent="restart", confidence=0.5, slots={"scan_tools": "B"}, active_loop=None)
    assert await ActionRestart().run(dispatcher, tracker, domain) == [FollowupAction("action_listen")]


async def test_uncertain_restart_without_answers_just_starts(domain, dispatcher):
    tracker = make_tracker("hmm", intent="restart", confidence=0.5)
    events = await ActionRestart().run(dispatcher, tracker, domain)
    assert SlotSet("requested_slot", None) in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_opnieuw"]
