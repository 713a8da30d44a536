"""Hand-off actions: exact events and the chosen responses, with a recording fake service."""

import pytest
from rasa_sdk.events import SlotSet

import actions.handoff as handoff
from bot.handoff.service import HandoffServiceError, Request
from tests.actions.conftest import make_tracker


class FakeService:
    def __init__(self, available=True, reason="open", fail=False):
        self.requests, self.forwarded, self.deleted = [], [], []
        self.available, self.reason, self.fail = available, reason, fail

    async def request(self, body):
        if self.fail:
            raise HandoffServiceError("down")
        self.requests.append(body)
        return Request(41, "aangevraagd", self.available, self.reason)

    async def forward(self, handoff_id, text, time):
        self.forwarded.append((handoff_id, text))

    async def delete_personal_data(self, conversation_id):
        if self.fail:
            raise HandoffServiceError("down")
        self.deleted.append(conversation_id)
        return 1


@pytest.fixture
def service(monkeypatch):
    fake = FakeService()
    monkeypatch.setattr(handoff, "SERVICE", fake)
    return fake


def responses(dispatcher):
    return [m["response"] for m in dispatcher.messages]


async def test_start_mid_scan_remembers_the_scan_and_the_words(domain, dispatcher, service):
    tracker = make_tracker("kan ik iemand spreken over mijn webshop?", intent="ask_human", active_loop="zelfscan_form")
    events = await handoff.ActionHandoffStart().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("handoff_onderbroken", "zelfscan_form"), SlotSet("contact_voorkeur", None),
        SlotSet("contact_naam", None), SlotSet("contact_gegeven", None), SlotSet("contact_toestemming", None),
        SlotSet("handoff_vraag", "kan ik iemand spreken over mijn webshop?"),
    ]  # fmt: skip
    assert responses(dispatcher) == ["utter_handoff_intro"]


async def test_start_keeps_the_call_back_chosen_with_the_button(domain, dispatcher, service):
    tracker = make_tracker(
        '/ask_human{"contact_voorkeur": "terugbellen"}',
        intent="ask_human",
        entities=[{"entity": "contact_voorkeur", "value": "terugbellen"}],
        active_loop=None,
    )
    events = await handoff.ActionHandoffStart().run(dispatcher, tracker, domain)
    assert SlotSet("contact_voorkeur", "terugbellen") in events
    assert SlotSet("handoff_vraag", None) in events


async def test_start_does_nothing_when_a_hand_off_is_open(domain, dispatcher, service):
    tracker = make_tracker("mens graag", intent="ask_human", slots={"handoff_status": "aangevraagd"})
    assert await handoff.ActionHandoffStart().run(dispatcher, tracker, domain) == []


async def test_form_asks_only_what_the_way_of_contact_needs(domain, dispatcher, service):
    form = handoff.ValidateHandoffForm()
    slots = ["contact_voorkeur", "contact_naam", "contact_gegeven", "contact_toestemming"]
    chat = make_tracker(slots={"contact_voorkeur": "chat", "contact_naam": ""}, active_loop="handoff_form")
    assert await form.required_slots(slots, dispatcher, chat, domain) == ["contact_voorkeur", "contact_naam"]
    named = make_tracker(slots={"contact_voorkeur": "chat", "contact_naam": "Anna"}, active_loop="handoff_form")
    assert await form.required_slots(slots, dispatcher, named, domain) == [
        "contact_voorkeur", "contact_naam", "contact_toestemming"
    ]  # fmt: skip
    call = make_tracker(slots={"contact_voorkeur": "terugbellen"}, active_loop="handoff_form")
    assert await form.required_slots(slots, dispatcher, call, domain) == [
        "contact_voorkeur", "contact_naam", "contact_gegeven"
    ]  # fmt: skip
    open_ = make_tracker(slots={"handoff_status": "actief"}, active_loop="handoff_form")
    assert await form.required_slots(slots, dispatcher, open_, domain) == []


async def test_invalid_phone_number_gets_a_clear_message_and_a_new_try(domain, dispatcher, service):
    form = handoff.ValidateHandoffForm()
    tracker = make_tracker("06-1234", active_loop="handoff_form")
    result = form.validate_contact_gegeven("06-1234", dispatcher, tracker, domain)
    assert result == {"contact_gegeven": None}
    assert responses(dispatcher) == ["utter_handoff_gegeven_ongeldig"]
    assert form.validate_contact_gegeven("bel 06 1234 5678", dispatcher, tracker, domain) == {
        "contact_gegeven": "0612345678"
    }


async def test_preference_typed_with_a_number_fills_both(domain, dispatcher, service):
    form = handoff.ValidateHandoffForm()
    tracker = make_tracker("bel me op 0501234567", active_loop="handoff_form")
    assert form.validate_contact_voorkeur("bel me op 0501234567", dispatcher, tracker, domain) == {
        "contact_voorkeur": "terugbellen", "contact_gegeven": "0501234567"
    }  # fmt: skip
    assert form.validate_contact_voorkeur("geen idee", dispatcher, tracker, domain) == {"contact_voorkeur": None}
    assert responses(dispatcher) == ["utter_handoff_voorkeur_onbekend"]


SCAN = {
    "scan_tools": "C", "scan_data": "B", "scan_processen": "C", "scan_vaardigheden": "B", "scan_veiligheid": "A",
    "scan_ai": "B", "scan_strategie": "C", "fase": "starten", "gemeente": "Emmen", "provincie": "Drenthe",
    "aantal_medewerkers": 5, "loket": "ibdo",
}  # fmt: skip


async def test_chat_request_with_consent_sends_everything_and_waits(domain, dispatcher, service):
    slots = {**SCAN, "contact_voorkeur": "chat", "contact_naam": "Anna", "contact_toestemming": True,
             "handoff_vraag": "ik wil een webshop"}  # fmt: skip
    tracker = make_tracker(slots=slots, active_loop=None)
    events = await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_status", "aangevraagd"), SlotSet("handoff_id", 41)]
    assert responses(dispatcher) == ["utter_handoff_aangevraagd_chat"]
    assert dispatcher.messages[0]["loket_naam"] == "Ik Ben Drents Ondernemer (IBDO)"
    (body,) = service.requests
    assert body["conversation_id"] == "test"
    assert body["scan_antwoorden"] == {
        "tools": "C", "data": "B", "processen": "C", "vaardigheden": "B", "veiligheid": "A", "ai": "B", "strategie": "C"
    }  # fmt: skip
    assert body["focus"] == ["veiligheid"]
    assert (body["fase"], body["gemeente"], body["provincie"], body["aantal_medewerkers"]) == (
        "starten", "Emmen", "Drenthe", 5
    )  # fmt: skip
    assert (body["naam"], body["toestemming"], body["vraag"], body["telefoon"]) == (
        "Anna",
        True,
        "ik wil een webshop",
        None,
    )


async def test_without_consent_nothing_personal_is_sent(domain, dispatcher, service):
    slots = {"contact_voorkeur": "chat", "contact_naam": "Anna", "contact_toestemming": False, "handoff_vraag": "x"}
    tracker = make_tracker(slots=slots, active_loop=None)
    events = await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("contact_naam", None), SlotSet("contact_gegeven", None), SlotSet("contact_toestemming", None),
        SlotSet("handoff_vraag", None), SlotSet("handoff_status", "aangevraagd"), SlotSet("handoff_id", 41),
    ]  # fmt: skip
    (body,) = service.requests
    assert (body["naam"], body["telefoon"], body["email"], body["vraag"], body["toestemming"]) == (
        None, None, None, None, False
    )  # fmt: skip


async def test_call_back_without_consent_gives_the_website_and_no_request(domain, dispatcher, service):
    slots = {"contact_voorkeur": "terugbellen", "contact_gegeven": "0612345678", "contact_toestemming": False}
    tracker = make_tracker(slots=slots, active_loop=None)
    events = await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("contact_naam", None), SlotSet("contact_gegeven", None), SlotSet("contact_toestemming", None),
        SlotSet("handoff_vraag", None),
    ]  # fmt: skip
    assert responses(dispatcher) == ["utter_handoff_geen_toestemming"]
    assert dispatcher.messages[0]["loket_website"] == "https://www.kvk.nl"
    assert service.requests == []


async def test_call_back_with_consent_sends_the_number(domain, dispatcher, service):
    slots = {"contact_voorkeur": "terugbellen", "contact_gegeven": "0612345678", "contact_toestemming": True}
    tracker = make_tracker(slots=slots, active_loop=None)
    events = await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_status", "afgerond"), SlotSet("handoff_id", 41)]
    assert responses(dispatcher) == ["utter_handoff_aangevraagd_terugbellen"]
    assert service.requests[0]["telefoon"] == "0612345678"


@pytest.mark.parametrize(
    ("reason", "response"),
    [("buiten_kantooruren", "utter_handoff_buiten_kantooruren"), ("geen_adviseurs", "utter_handoff_geen_adviseur")],
)
async def test_no_adviser_available_is_said_honestly(domain, dispatcher, monkeypatch, reason, response):
    monkeypatch.setattr(handoff, "SERVICE", FakeService(available=False, reason=reason))
    tracker = make_tracker(slots={"contact_voorkeur": "chat", "contact_naam": ""}, active_loop=None)
    events = await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_status", None)]
    assert responses(dispatcher) == [response]


async def test_service_down_is_said_and_nothing_changes(domain, dispatcher, monkeypatch):
    monkeypatch.setattr(handoff, "SERVICE", FakeService(fail=True))
    tracker = make_tracker(slots={"contact_voorkeur": "chat", "contact_naam": ""}, active_loop=None)
    assert await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_handoff_storing"]


async def test_not_configured_gives_the_loket_website(domain, dispatcher, monkeypatch):
    monkeypatch.setattr(handoff, "SERVICE", None)
    tracker = make_tracker(slots={"loket": "grobusiness"}, active_loop=None)
    assert await handoff.ActionHandoffAanvragen().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_handoff_niet_ingericht"]


async def test_forwarding_undoes_the_slot_rasa_filled_from_the_message(domain, dispatcher, service):
    tracker = make_tracker(
        "kunt u me helpen met de boekhouding?",
        slots={"handoff_status": "actief", "handoff_id": 41},
        candidates={"scan_data": "kunt u me helpen met de boekhouding?"},
    )
    events = await handoff.ActionHandoffDoorsturen().run(dispatcher, tracker, domain)
    assert events == [SlotSet("scan_data", None)]
    assert service.forwarded == [(41, "kunt u me helpen met de boekhouding?")]
    assert dispatcher.messages == []


async def test_adviser_takes_over_and_replies(domain, dispatcher, service):
    claim = make_tracker("EXTERNAL: adviseur_overname", intent="adviseur_overname",
                         entities=[{"entity": "adviseur", "value": "Anna"}], slots={"loket": "ibdo"})  # fmt: skip
    assert await handoff.ActionHandoffOvername().run(dispatcher, claim, domain) == [SlotSet("handoff_status", "actief")]
    reply = make_tracker(
        "EXTERNAL: adviseur_bericht",
        intent="adviseur_bericht",
        entities=[{"entity": "adviseur", "value": "Anna"}, {"entity": "bericht", "value": "Hoi! Ik kijk even mee."}],
    )
    assert await handoff.ActionAdviseurBericht().run(dispatcher, reply, domain) == []
    first, second = dispatcher.messages
    assert "adviseur" not in first  # only the adviser's own messages carry "adviseur" (it marks them)
    assert (first["response"], first["adviseur_naam"], first["loket_naam"]) == (
        "utter_handoff_overname", "Anna", "Ik Ben Drents Ondernemer (IBDO)"
    )  # fmt: skip
    assert (second["response"], second["bericht"], second["adviseur"]) == (
        "utter_adviseur_bericht", "Hoi! Ik kijk even mee.", "Anna"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("intent", "response"), [("adviseur_terug", "utter_handoff_terug"), ("adviseur_afgerond", "utter_handoff_afgerond")]
)
async def test_hand_back_and_close(domain, dispatcher, service, intent, response):
    tracker = make_tracker(f"EXTERNAL: {intent}", intent=intent, slots={"handoff_status": "actief"})
    assert await handoff.ActionHandoffEinde().run(dispatcher, tracker, domain) == [
        SlotSet("handoff_status", "afgerond")
    ]
    assert responses(dispatcher) == [response]


async def test_expired_request_offers_a_call_back_once(domain, dispatcher, service):
    waiting = make_tracker(
        "EXTERNAL: handoff_verlopen", intent="handoff_verlopen", slots={"handoff_status": "aangevraagd"}
    )
    events = await handoff.ActionHandoffVerlopen().run(dispatcher, waiting, domain)
    assert events == [SlotSet("handoff_status", None), SlotSet("handoff_id", None)]
    assert responses(dispatcher) == ["utter_handoff_verlopen"]
    claimed = make_tracker("EXTERNAL: handoff_verlopen", intent="handoff_verlopen", slots={"handoff_status": "actief"})
    assert await handoff.ActionHandoffVerlopen().run(dispatcher, claimed, domain) == []


async def test_delete_my_data(domain, dispatcher, service):
    tracker = make_tracker("verwijder mijn gegevens", intent="delete_data", slots={"contact_naam": "Anna"})
    events = await handoff.ActionGegevensVerwijderen().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet("contact_naam", None), SlotSet("contact_gegeven", None), SlotSet("contact_toestemming", None),
        SlotSet("handoff_vraag", None),
    ]  # fmt: skip
    assert service.deleted == ["test"]
    assert responses(dispatcher) == ["utter_gegevens_verwijderd"]
