from rasa_sdk.events import SlotSet

from actions.scan_result import ActionScanResultaat
from bot.scan.content import get_content
from tests.actions.conftest import make_tracker

CONTENT = get_content()


def slots(letters: str) -> dict:
    return {q.slot: letter for q, letter in zip(CONTENT.questions, letters)}


async def test_result_for_a_clear_phase(domain, dispatcher):
    tracker = make_tracker(slots=slots("CCCBCDC"), active_loop=None)
    events = await ActionScanResultaat().run(dispatcher, tracker, domain)
    assert events == [SlotSet("fase", "funderen")]
    responses = [m["response"] for m in dispatcher.messages]
    # No subsidy here: it depends on the region and follows with the loket advice.
    assert responses == ["utter_scan_fase", "utter_scan_focus", "utter_scan_indicatie"]
    fase, focus, _ = dispatcher.messages
    assert (fase["fase_naam"], fase["betekenis"]) == ("Funderen", "basis op orde")
    assert fase["actie"] == "Zorg dat systemen samenwerken en zet je gegevens goed op orde."
    vaardigheden = CONTENT.question("vaardigheden")
    assert focus["focus"] == f"• {vaardigheden.title}: {vaardigheden.next_steps['AB']}"


async def test_result_between_two_phases(domain, dispatcher):
    tracker = make_tracker(slots=slots("AAABBBE"), active_loop=None)
    events = await ActionScanResultaat().run(dispatcher, tracker, domain)
    assert events == [SlotSet("fase", "orienteren")]
    first = dispatcher.messages[0]
    assert first["response"] == "utter_scan_fase_tussen"
    assert first["fases"] == "Oriënteren en Starten"
    assert first["fase_naam"] == "Oriënteren"


async def test_incomplete_scan_gives_no_result(domain, dispatcher):
    partial = slots("AAABBBE")
    partial["scan_ai"] = None
    events = await ActionScanResultaat().run(dispatcher, make_tracker(slots=partial, active_loop=None), domain)
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_scan_onvolledig"]
