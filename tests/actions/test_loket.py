"""The loket advice and changing the firm's facts afterwards: exact events and responses."""

from rasa_sdk.events import SlotSet

from actions.loket import ActionBedrijfTerug, ActionBedrijfWijzigen, ActionLoketAdvies
from tests.actions.conftest import make_tracker


def responses(dispatcher):
    return [m["response"] for m in dispatcher.messages]


async def advise(domain, dispatcher, **slots):
    tracker = make_tracker(slots=slots, active_loop=None)
    return await ActionLoketAdvies().run(dispatcher, tracker, domain)


async def test_drenthe_firm_gets_ibdo_with_partner_and_subsidy_for_its_phase(domain, dispatcher):
    events = await advise(
        domain, dispatcher, gemeente="Emmen", provincie="Drenthe", aantal_medewerkers=5, fase="funderen"
    )
    assert events == [SlotSet("loket", "ibdo")]
    assert responses(dispatcher) == [
        "utter_loket_reden_drenthe", "utter_loket", "utter_loket_partner", "utter_loket_subsidie",
        "utter_loket_contact",
    ]  # fmt: skip
    reason, loket, partner, subsidy, _ = dispatcher.messages
    assert reason["aantal"] == 5
    assert loket["loket_naam"] == "Ik Ben Drents Ondernemer (IBDO)"
    assert loket["website"] == "https://www.ikbendrentsondernemer.nl"
    assert partner == {**partner, "fase_naam": "Funderen", "partner": "IT Hub (partners voor invoering)"}
    assert subsidy["subsidie_naam"] == "Subsidie Digitale en AI-gereedheid Mkb Drenthe"


async def test_without_a_scan_there_is_no_partner_or_subsidy_line(domain, dispatcher):
    await advise(domain, dispatcher, gemeente="Emmen", provincie="Drenthe", aantal_medewerkers=5)
    assert responses(dispatcher) == [
        "utter_loket_reden_drenthe", "utter_loket", "utter_loket_subsidie_advies", "utter_loket_contact",
    ]  # fmt: skip


async def test_outside_drenthe_no_subsidy_is_invented(domain, dispatcher):
    events = await advise(
        domain, dispatcher, gemeente="Groningen", provincie="Groningen", aantal_medewerkers=8, fase="starten"
    )
    assert events == [SlotSet("loket", "grobusiness")]
    assert responses(dispatcher) == [
        "utter_loket_reden_groningen", "utter_loket", "utter_loket_subsidie_advies", "utter_loket_contact",
    ]  # fmt: skip
    assert dispatcher.messages[2]["loket_naam"] == "GroBusiness"


async def test_a_zzp_er_in_drenthe_goes_to_the_kvk(domain, dispatcher):
    events = await advise(
        domain, dispatcher, gemeente="Assen", provincie="Drenthe", aantal_medewerkers=1, fase="starten"
    )
    assert events == [SlotSet("loket", "kvk")]
    assert responses(dispatcher)[0] == "utter_loket_reden_drenthe_zzp"


async def test_elsewhere_the_kvk_with_the_regional_programmes(domain, dispatcher):
    events = await advise(domain, dispatcher, gemeente="Arnhem", provincie="Gelderland", aantal_medewerkers=10)
    assert events == [SlotSet("loket", "kvk")]
    assert responses(dispatcher) == [
        "utter_loket_reden_overig", "utter_loket", "utter_loket_subsidie_advies", "utter_loket_programmas",
        "utter_loket_contact",
    ]  # fmt: skip
    assert "Regionale Centra voor Technologie" in dispatcher.messages[3]["programmas"]


async def test_a_loket_without_a_known_website_says_an_adviser_connects(domain, dispatcher):
    events = await advise(domain, dispatcher, gemeente="Delft", provincie="Zuid-Holland", aantal_medewerkers=10)
    assert events == [SlotSet("loket", "ai_werklab")]
    assert responses(dispatcher)[:2] == ["utter_loket_reden_haaglanden", "utter_loket_zonder_website"]


async def test_the_chosen_loket_of_a_choice_is_used(domain, dispatcher):
    events = await advise(domain, dispatcher, provincie="Overijssel", aantal_medewerkers=10, loket="kennispoort")
    assert events == [SlotSet("loket", "kennispoort")]
    assert dispatcher.messages[1]["loket_naam"] == "Kennispoort Regio Zwolle"


async def test_incomplete_facts_give_no_advice(domain, dispatcher):
    assert await advise(domain, dispatcher, provincie="Zuid-Holland", aantal_medewerkers=10) == []
    assert await advise(domain, dispatcher, provincie="Overijssel", aantal_medewerkers=10, loket="ibdo") == []
    assert responses(dispatcher) == ["utter_loket_onvolledig", "utter_loket_onvolledig"]


async def change(domain, dispatcher, text, intent, slots=None, entities=None):
    tracker = make_tracker(text=text, intent=intent, slots=slots, entities=entities, active_loop=None)
    return await ActionBedrijfWijzigen().run(dispatcher, tracker, domain)


FIRM = {"gemeente": "Emmen", "provincie": "Drenthe", "aantal_medewerkers": 5, "loket": "ibdo"}


async def test_a_new_location_replaces_the_old_and_forgets_the_loket(domain, dispatcher):
    events = await change(domain, dispatcher, "we zitten eigenlijk in Groningen", "inform_location", FIRM)
    assert events == [SlotSet("gemeente", "Groningen"), SlotSet("provincie", "Groningen"), SlotSet("loket", None)]
    assert responses(dispatcher) == ["utter_gemeente_genoteerd"]


async def test_a_new_size_replaces_the_old(domain, dispatcher):
    events = await change(domain, dispatcher, "we zijn eigenlijk met 300 mensen", "inform_size", FIRM)
    assert events == [SlotSet("aantal_medewerkers", 300), SlotSet("loket", None)]
    assert responses(dispatcher) == ["utter_aantal_genoteerd"]


async def test_an_unknown_new_place_is_said_and_asked_again(domain, dispatcher):
    events = await change(domain, dispatcher, "we zitten eigenlijk in Antwerpen", "inform_location", FIRM)
    assert events == [SlotSet("gemeente", None), SlotSet("provincie", None), SlotSet("loket", None)]
    assert responses(dispatcher) == ["utter_gemeente_onbekend"]


async def test_an_ambiguous_new_place_leaves_the_question_to_the_form(domain, dispatcher):
    events = await change(domain, dispatcher, "we zitten in Hengelo", "inform_location", FIRM)
    assert events == [SlotSet("gemeente", None), SlotSet("provincie", None), SlotSet("loket", None)]
    assert dispatcher.messages == []


async def test_going_back_from_the_size_question_clears_the_location(domain, dispatcher):
    tracker = make_tracker(text="terug", intent="go_back", slots={**FIRM, "requested_slot": "aantal_medewerkers"})
    events = await ActionBedrijfTerug().run(dispatcher, tracker, domain)
    assert events == [SlotSet("gemeente", None), SlotSet("provincie", None), SlotSet("loket", None)]
    assert responses(dispatcher) == ["utter_scan_terug"]
