"""Rasa client: transcript parsing, trigger_intent, typed errors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from digiconsole.rasa import RasaClient, RasaError, Regel, parse_events

from .conftest import FakeRasa, dead_url


def test_parse_events() -> None:
    events = [
        {"event": "user", "text": "hoi", "timestamp": 10.0, "metadata": {}},
        {"event": "user", "text": "EXTERNAL: adviseur_bericht", "timestamp": 11.0},
        {
            "event": "user",
            "text": "/adviseur_bericht",
            "timestamp": 12.0,
            "metadata": {"is_external": True},
        },
        {"event": "bot", "text": "Hallo!", "timestamp": 13.0},
        {
            "event": "bot",
            "text": "Ik ben Anouk.",
            "timestamp": 14.0,
            "metadata": {"adviseur": "Anouk"},
        },
        {
            "event": "bot",
            "text": "Via custom.",
            "timestamp": 15.0,
            "data": {"custom": {"adviseur": "Bram"}},
        },
        {"event": "bot", "text": None, "timestamp": 16.0, "data": {"buttons": []}},
        {"event": "slot", "name": "x", "value": 1, "timestamp": 17.0},
        {"event": "action", "name": "action_listen", "timestamp": 18.0},
    ]
    assert parse_events(events) == [
        Regel(datetime.fromtimestamp(10, UTC), "ondernemer", "hoi"),
        Regel(datetime.fromtimestamp(13, UTC), "bot", "Hallo!"),
        Regel(datetime.fromtimestamp(14, UTC), "adviseur", "Ik ben Anouk.", "Anouk"),
        Regel(datetime.fromtimestamp(15, UTC), "adviseur", "Via custom.", "Bram"),
    ]


def test_client_against_the_fake(fake_rasa: FakeRasa) -> None:
    fake_rasa.trackers["31612345678 x+y"] = [{"event": "user", "text": "hoi", "timestamp": 1.0}]

    async def scenario() -> None:
        client = RasaClient(fake_rasa.url, "tok")
        try:
            lines = await client.transcript("31612345678 x+y")
            await client.trigger(
                "31612345678 x+y", "adviseur_bericht", {"adviseur": "A", "bericht": "B"}
            )
        finally:
            await client.aclose()
        assert [line.tekst for line in lines] == ["hoi"]

    asyncio.run(scenario())
    assert fake_rasa.triggers == [
        {
            "conversation_id": "31612345678 x+y",
            "output_channel": "latest",
            "name": "adviseur_bericht",
            "entities": {"adviseur": "A", "bericht": "B"},
        }
    ]
    assert fake_rasa.tokens == ["tok", "tok"]


@pytest.mark.parametrize("down", [True, False])
def test_errors_are_typed(fake_rasa: FakeRasa, down: bool) -> None:
    url = dead_url() if down else fake_rasa.url
    fake_rasa.fail_status = 403

    async def scenario() -> None:
        client = RasaClient(url, "tok", timeout=2)
        try:
            with pytest.raises(RasaError):
                await client.transcript("c")
            with pytest.raises(RasaError):
                await client.trigger("c", "handoff_verlopen")
        finally:
            await client.aclose()

    asyncio.run(scenario())
