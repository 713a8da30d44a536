"""The firm form: location, size and loket choice; exact events and the responses sent."""

import json

from rasa_sdk.events import SlotSet

from actions.firm_form import ActionAskGemeente, ActionAskLoket, ValidateBedrijfForm
from tests.actions.conftest import make_tracker

FORM = "bedrijf_form"


async def validate(domain, dispatcher, candidates, text, slots=None, intent="inform", entities=None):
    tracker = make_tracker(
        text=text, slots=slots, candidates=candidates, intent=intent, entities=entities, active_loop=FORM
    )
    return await ValidateBedrijfForm().run(dispatcher, tracker, domain)


# The validation action chooses the required slots itself (the domain lists loket too, which
# is asked only for a choice), so every run ends with the next `requested_slot`.


def responses(dispatcher):
    return [m["response"] for m in dispatcher.messages]


async def test_a_place_sets_municipality_and_province_and_asks_the_size_next(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "we zitten in Beilen"}, "we zitten in Beilen")
    assert events == [
        SlotSet("gemeente", "Midden-Drenthe"),
        SlotSet("provincie", "Drenthe"),
        SlotSet("loket", None),
        SlotSet("requested_slot", "aantal_medewerkers"),
    ]
    assert responses(dispatcher) == ["utter_gemeente_genoteerd"]
    assert dispatcher.messages[0]["gemeente"] == "Midden-Drenthe"


async def test_a_place_with_a_headcount_fills_both(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "Emmen, met 6 man"}, "Emmen, met 6 man")
    assert events == [
        SlotSet("gemeente", "Emmen"),
        SlotSet("provincie", "Drenthe"),
        SlotSet("aantal_medewerkers", 6),
        SlotSet("loket", None),
        SlotSet("requested_slot", None),
    ]


async def test_an_unknown_place_is_not_stored_and_asked_again(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "Antwerpen"}, "Antwerpen")
    assert events == [SlotSet("gemeente", None), SlotSet("requested_slot", "gemeente")]
    assert responses(dispatcher) == ["utter_gemeente_onbekend"]


async def test_an_ambiguous_place_is_not_stored_and_the_ask_action_offers_the_candidates(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "Hengelo"}, "Hengelo")
    assert events == [SlotSet("gemeente", None), SlotSet("requested_slot", "gemeente")]
    assert dispatcher.messages == []

    tracker = make_tracker(text="Hengelo", slots={"requested_slot": "gemeente"}, active_loop=FORM)
    assert await ActionAskGemeente().run(dispatcher, tracker, domain) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_gemeente_welke" and message["plaats"] == "Hengelo"
    payloads = [json.loads(b["payload"].removeprefix("/inform_location")) for b in message["buttons"]]
    assert {"gemeentecode": "GM0164"} in payloads  # Hengelo (O.)
    assert {"gemeentecode": "GM1876"} in payloads  # Bronckhorst (Hengelo in Gelderland)


async def test_the_button_for_one_candidate_is_taken(domain, dispatcher):
    events = await validate(
        domain,
        dispatcher,
        {"gemeente": '/inform_location{"gemeentecode":"GM0164"}'},
        '/inform_location{"gemeentecode":"GM0164"}',
        intent="inform_location",
        entities=[{"entity": "gemeentecode", "value": "GM0164"}],
    )
    assert events[:2] == [SlotSet("gemeente", "Hengelo (O.)"), SlotSet("provincie", "Overijssel")]


async def test_province_only_is_enough_where_the_province_decides(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "ergens in Drenthe"}, "ergens in Drenthe")
    assert events == [
        SlotSet("gemeente", None),
        SlotSet("provincie", "Drenthe"),
        SlotSet("loket", None),
        SlotSet("requested_slot", "aantal_medewerkers"),
    ]
    assert responses(dispatcher) == ["utter_provincie_genoteerd"]


async def test_province_only_asks_the_municipality_where_it_matters(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "Zuid-Holland"}, "Zuid-Holland")
    assert events == [
        SlotSet("gemeente", None),
        SlotSet("provincie", "Zuid-Holland"),
        SlotSet("loket", None),
        SlotSet("requested_slot", "gemeente"),
    ]

    tracker = make_tracker(text="Zuid-Holland", slots={"provincie": "Zuid-Holland", "requested_slot": "gemeente"})
    await ActionAskGemeente().run(dispatcher, tracker, domain)
    assert dispatcher.messages[-1]["response"] == "utter_ask_gemeente_in_provincie"
    assert dispatcher.messages[-1]["provincie"] == "Zuid-Holland"


async def test_a_shared_name_is_resolved_by_the_province_already_given(domain, dispatcher):
    events = await validate(domain, dispatcher, {"gemeente": "Bergen"}, "Bergen", slots={"provincie": "Noord-Holland"})
    assert events[:2] == [SlotSet("gemeente", "Bergen (NH.)"), SlotSet("provincie", "Noord-Holland")]


async def test_headcount_in_free_dutch(domain, dispatcher):
    events = await validate(
        domain, dispatcher, {"aantal_medewerkers": "ik en vier monteurs"}, "ik en vier monteurs",
        slots={"gemeente": "Emmen", "provincie": "Drenthe"},
    )  # fmt: skip
    assert events == [SlotSet("aantal_medewerkers", 5), SlotSet("loket", None), SlotSet("requested_slot", None)]
    assert responses(dispatcher) == ["utter_aantal_genoteerd"]
    assert dispatcher.messages[0]["aantal"] == 5


async def test_no_headcount_is_not_guessed(domain, dispatcher):
    events = await validate(
        domain,
        dispatcher,
        {"aantal_medewerkers": "een paar"},
        "een paar",
        slots={"gemeente": "Emmen", "provincie": "Drenthe"},
    )
    assert events == [SlotSet("aantal_medewerkers", None), SlotSet("requested_slot", "aantal_medewerkers")]
    assert responses(dispatcher) == ["utter_aantal_onbekend"]


async def test_a_location_given_at_the_size_question_corrects_the_location(domain, dispatcher):
    events = await validate(
        domain, dispatcher, {"aantal_medewerkers": "oh wacht, we zitten in Assen"}, "oh wacht, we zitten in Assen",
        slots={"gemeente": "Emmen", "provincie": "Drenthe"}, intent="inform_location",
    )  # fmt: skip
    assert events == [
        SlotSet("aantal_medewerkers", None),
        SlotSet("gemeente", "Assen"),
        SlotSet("provincie", "Drenthe"),
        SlotSet("loket", None),
        SlotSet("requested_slot", "aantal_medewerkers"),
    ]
    assert responses(dispatcher) == ["utter_gemeente_genoteerd"]


async def test_overijssel_without_a_certain_region_asks_for_a_loket_choice(domain, dispatcher):
    events = await validate(
        domain, dispatcher, {"aantal_medewerkers": "12"}, "12", slots={"gemeente": None, "provincie": "Overijssel"}
    )
    assert events[-1] == SlotSet("requested_slot", "loket")

    tracker = make_tracker(text="12", slots={"provincie": "Overijssel", "aantal_medewerkers": 12})
    await ActionAskLoket().run(dispatcher, tracker, domain)
    message = dispatcher.messages[-1]
    assert message["response"] == "utter_ask_loket"
    assert [b["title"] for b in message["buttons"]] == [
        "Novel-T", "Kennispoort Regio Zwolle", "Ondernemershuis Stedendriehoek",
    ]  # fmt: skip


async def test_the_chosen_loket_by_button_or_by_name(domain, dispatcher):
    slots = {"provincie": "Overijssel", "aantal_medewerkers": 12}
    events = await validate(
        domain,
        dispatcher,
        {"loket": "/inform"},
        "/inform",
        slots=slots,
        entities=[{"entity": "loket_keuze", "value": "novel_t"}],
    )
    assert events == [SlotSet("loket", "novel_t"), SlotSet("requested_slot", None)]
    events = await validate(domain, dispatcher, {"loket": "die van zwolle"}, "die van zwolle", slots=slots)
    assert events == [SlotSet("loket", "kennispoort"), SlotSet("requested_slot", None)]


async def test_a_loket_outside_the_choice_is_refused(domain, dispatcher):
    slots = {"provincie": "Overijssel", "aantal_medewerkers": 12}
    events = await validate(
        domain,
        dispatcher,
        {"loket": "/inform"},
        "/inform",
        slots=slots,
        entities=[{"entity": "loket_keuze", "value": "ibdo"}],
    )
    assert events == [SlotSet("loket", None), SlotSet("requested_slot", "loket")]
    assert responses(dispatcher) == ["utter_loket_kies_knop"]
