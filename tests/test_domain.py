"""The domain agrees with the content file and with what the actions send."""

import re
from pathlib import Path

import yaml

from bot.firm.location import gazetteer
from bot.loket.presentation import advice, loket_buttons, municipality_buttons
from bot.loket.registry import get_registry
from bot.loket.routing import Firm, route_firm
from bot.scan.content import get_content
from bot.scan.presentation import focus_fill, phase_fill, question_fill
from bot.scan.scoring import score

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CONTENT = get_content()


def variables(response: str) -> set[str]:
    return {v for variation in DOMAIN["responses"][response] for v in re.findall(r"{(\w+)}", variation["text"])}


def test_form_asks_the_content_questions_in_order():
    assert DOMAIN["forms"]["zelfscan_form"]["required_slots"] == list(CONTENT.slots)
    for slot in CONTENT.slots:
        assert slot in DOMAIN["slots"]
        assert f"action_ask_{slot}" in DOMAIN["actions"]
        [mapping] = DOMAIN["slots"][slot]["mappings"]
        assert mapping["conditions"] == [{"active_loop": "zelfscan_form", "requested_slot": slot}]


def test_phase_slot_values_are_the_content_phases():
    assert DOMAIN["slots"]["fase"]["values"] == [p.id for p in CONTENT.phases]


def test_every_response_an_action_sends_exists():
    sent = set()
    for path in (ROOT / "actions").glob("*.py"):
        sent |= set(re.findall(r'response="(utter_\w+)"', path.read_text(encoding="utf-8")))
    assert sent, "no responses found in actions"
    assert sent - set(DOMAIN["responses"]) == set()


def test_templates_only_use_variables_the_actions_fill():
    question = CONTENT.questions[0]
    assert variables("utter_ask_scan_vraag") <= set(question_fill(CONTENT, question))
    result = score(CONTENT, dict.fromkeys((q.id for q in CONTENT.questions), "C"))
    assert variables("utter_scan_fase") <= set(phase_fill(result))
    assert variables("utter_scan_fase_tussen") <= set(phase_fill(result))
    assert variables("utter_scan_focus") <= set(focus_fill(result))
    assert variables("utter_scan_antwoord_aangepast") == {"nummer", "titel", "optie"}
    assert variables("utter_scan_genoteerd") == {"optie"}


def test_intro_matches_the_content_and_says_it_is_not_a_person():
    [intro] = DOMAIN["responses"]["utter_intro"]
    assert CONTENT.duration in intro["text"]
    assert f"{len(CONTENT.questions)} vragen" in intro["text"]
    assert "digitale assistent" in intro["text"] and "geen mens" in intro["text"]


def test_every_retrieval_intent_has_an_answer():
    names = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "/" in block["intent"]:
                names.add(block["intent"])
    assert names
    assert {f"utter_{n}" for n in names} - set(DOMAIN["responses"]) == set()


def test_button_payload_intents_exist():
    for response in DOMAIN["responses"].values():
        for variation in response:
            for button in variation.get("buttons", []):
                intent = button["payload"].lstrip("/").split("{")[0]
                assert intent in DOMAIN["intents"], button


def test_every_route_has_a_reason_text_and_the_advice_fills_every_variable():
    registry = get_registry()
    routes = {route.id for route in registry.routes}
    reasons = {
        name.removeprefix("utter_loket_reden_") for name in DOMAIN["responses"] if name.startswith("utter_loket_reden_")
    }
    assert reasons == routes
    firms = [
        Firm("Emmen", "Drenthe", 5), Firm("Assen", "Drenthe", 1), Firm("Delft", "Zuid-Holland", 5),
        Firm("Arnhem", "Gelderland", 5), Firm("Zwolle", "Overijssel", 5), Firm("Amsterdam", "Noord-Holland", 5),
        Firm("Utrecht", "Utrecht", 5), Firm("Urk", "Flevoland", 5), Firm("Groningen", "Groningen", 5),
        Firm("Leeuwarden", "Fryslân", 5), Firm("Emmen", "Drenthe", 300),
    ]  # fmt: skip
    seen = set()
    for firm in firms:
        routing = route_firm(registry, firm)
        assert routing is not None and routing.loket is not None
        seen.add(routing.route.id)
        for message in advice(registry, CONTENT, routing, routing.loket, firm, "funderen"):
            assert message.response in DOMAIN["responses"], message.response
            assert variables(message.response) <= set(message.fill), message.response
    assert seen == routes


def test_firm_form_slots_and_ask_actions():
    form = DOMAIN["forms"]["bedrijf_form"]["required_slots"]
    assert form == ["gemeente", "aantal_medewerkers", "loket"]
    for slot in ("gemeente", "aantal_medewerkers", "loket"):
        [mapping] = DOMAIN["slots"][slot]["mappings"]
        assert mapping["conditions"] == [{"active_loop": "bedrijf_form", "requested_slot": slot}]
    assert {"action_ask_gemeente", "action_ask_loket"} <= set(DOMAIN["actions"])
    assert "utter_ask_aantal_medewerkers" in DOMAIN["responses"]


def test_generated_buttons_use_known_intents_and_entities():
    location = gazetteer().locate("Hengelo")
    buttons = municipality_buttons(location) + loket_buttons(tuple(get_registry().lokets.values()))
    for button in buttons:
        intent, _, entities = button["payload"].lstrip("/").partition("{")
        assert intent in DOMAIN["intents"]
        assert set(yaml.safe_load("{" + entities)) <= set(DOMAIN["entities"])
