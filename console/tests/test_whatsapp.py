"""WhatsApp's 24-hour window: the console says it has closed instead of failing silently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from digiconsole.db import Database
from digiconsole.rasa import Regel
from digiconsole.whatsapp import VENSTER_DICHT, venster_gesloten

from .conftest import FakeRasa, add_adviseur, add_handoff, login

NU = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def regel(uren_geleden: float, wie: str = "ondernemer") -> Regel:
    return Regel(NU - timedelta(hours=uren_geleden), wie, "hallo")


@pytest.mark.parametrize(
    ("channel", "regels", "dicht"),
    [
        ("whatsapp", [regel(25)], True),
        ("whatsapp", [regel(25), regel(23.5)], False),
        ("whatsapp", [regel(1, "bot"), regel(30)], True),  # the bot's own messages do not reopen it
        ("whatsapp", [], True),
        ("whatsapp", None, False),  # Rasa unreachable: claim nothing
        ("socketio", [regel(100)], False),
    ],
)
def test_window(channel: str, regels: list[Regel] | None, dicht: bool) -> None:
    assert venster_gesloten(channel, regels, NU) is dicht


def user_event(uren_geleden: float) -> dict:
    stamp = (datetime.now(UTC) - timedelta(hours=uren_geleden)).timestamp()
    return {"event": "user", "text": "hallo", "timestamp": stamp}


@pytest.mark.parametrize(("uren", "open_"), [(30, False), (2, True)])
def test_reply_only_while_the_window_is_open(
    client: TestClient, db: Database, fake_rasa: FakeRasa, uren: float, open_: bool
) -> None:
    add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo"])
    handoff_id = add_handoff(db, conversation_id="wa-1", channel="whatsapp")
    fake_rasa.trackers["wa-1"] = [user_event(uren)]
    csrf = login(client, "anouk@ibdo.nl")
    client.post(f"/handoffs/{handoff_id}/overnemen", data={"csrf": csrf}, follow_redirects=False)
    page = client.get(f"/handoffs/{handoff_id}").text
    assert (VENSTER_DICHT in page) is not open_
    assert ("Versturen" in page) is open_
    client.post(
        f"/handoffs/{handoff_id}/bericht",
        data={"csrf": csrf, "tekst": "Hoi!"},
        follow_redirects=False,
    )
    assert ("adviseur_bericht" in fake_rasa.intents()) is open_
