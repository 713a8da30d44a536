"""Helpers for action tests: the real domain, trackers and a dispatcher."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    candidates: dict[str, Any] | None = None,
    active_loop: str | None = "zelfscan_form",
    confidence: float = 0.9,
) -> Tracker:
    """A tracker whose latest user message is `text`; `candidates` are slot values the
    form's extraction just set (the events a FormValidationAction validates)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": entities or [],
    }
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return Tracker(
        sender_id="test",
        slots={**(slots or {}), **(candidates or {})},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
