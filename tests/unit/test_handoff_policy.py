"""HandoffPolicy: silence while an adviser has the conversation, resuming afterwards."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.policy import next_action

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def tracker(domain, *events):
    return DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), *events], domain.slots)


def said(text, intent, **entities):
    return UserUttered(
        text, {"name": intent, "confidence": 1.0}, [{"entity": k, "value": v} for k, v in entities.items()]
    )


@pytest.mark.parametrize(
    ("intent", "action"),
    [
        ("adviseur_overname", "action_handoff_overname"),
        ("adviseur_bericht", "action_adviseur_bericht"),
        ("adviseur_terug", "action_handoff_einde"),
        ("adviseur_afgerond", "action_handoff_einde"),
        ("handoff_verlopen", "action_handoff_verlopen"),
    ],
)
def test_console_intents_get_their_action(domain, intent, action):
    t = tracker(domain, UserUttered.create_external(intent, []))
    assert next_action(t) == action


def test_every_message_goes_to_the_adviser_while_active(domain):
    t = tracker(domain, SlotSet("handoff_status", "actief"), ActionExecuted("action_listen"), said("stop", "stop"))
    assert next_action(t) == "action_handoff_doorsturen"
    t.update(ActionExecuted("action_handoff_doorsturen"))
    assert next_action(t) == "action_listen"


def test_no_say_while_waiting_or_without_hand_off(domain):
    for status in (None, "aangevraagd", "afgerond"):
        t = tracker(domain, SlotSet("handoff_status", status), ActionExecuted("action_listen"), said("hoi", "greet"))
        assert next_action(t) is None


def test_after_the_request_the_interrupted_scan_goes_on(domain):
    t = tracker(domain, SlotSet("handoff_onderbroken", "zelfscan_form"), ActionExecuted("action_handoff_aanvragen"))
    assert next_action(t) == "zelfscan_form"


def test_after_hand_back_the_active_form_asks_again_else_listen(domain):
    t = tracker(domain, ActiveLoop("bedrijf_form"), ActionExecuted("action_handoff_einde"))
    assert next_action(t) == "bedrijf_form"
    t = tracker(domain, ActionExecuted("action_handoff_einde"))
    assert next_action(t) == "action_listen"


def test_the_policy_is_ranked_above_the_rule_policy():
    from bot.handoff.policy import HandoffPolicy

    assert HandoffPolicy.get_default_config()["priority"] > 6
