"""Expiry: unclaimed chat requests are closed and Rasa is told."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from starlette.testclient import TestClient

from digiconsole.app import create_app
from digiconsole.db import Database
from digiconsole.models import utcnow
from digiconsole.settings import Settings
from digiconsole.tasks import expire_once, expiry_loop

from .conftest import FakeRasa, add_handoff, base_env, dead_url, get_handoff, state_of


def test_expiry_closes_old_chat_requests(
    client: TestClient, db: Database, fake_rasa: FakeRasa
) -> None:
    now = utcnow()
    old = add_handoff(db, conversation_id="old", created_at=now - timedelta(minutes=11))
    fresh = add_handoff(db, conversation_id="fresh", created_at=now - timedelta(minutes=9))
    bellen = add_handoff(
        db,
        conversation_id="bel",
        contact_voorkeur="terugbellen",
        created_at=now - timedelta(hours=3),
    )
    active = add_handoff(
        db,
        conversation_id="act",
        status="actief",
        claimed_at=now,
        created_at=now - timedelta(hours=1),
    )
    state = state_of(client)
    sub = state.bus.subscribe(None)
    assert client.portal.call(expire_once, state) == 1  # type: ignore[union-attr]
    handoff = get_handoff(db, old)
    assert (handoff.status, handoff.afsluiting) == ("afgerond", "verlopen")
    assert handoff.closed_at is not None
    for other in (fresh, bellen, active):
        assert get_handoff(db, other).is_open
    assert fake_rasa.triggers == [
        {
            "conversation_id": "old",
            "output_channel": "latest",
            "name": "handoff_verlopen",
            "entities": {},
        }
    ]
    assert sub.queue.get_nowait().handoff_id == old
    # Nothing left to do: a second run changes nothing.
    assert client.portal.call(expire_once, state) == 0  # type: ignore[union-attr]
    assert len(fake_rasa.triggers) == 1


def test_expiry_when_rasa_is_down(db_url: str, db: Database) -> None:
    old = add_handoff(db, created_at=utcnow() - timedelta(minutes=30))
    settings = Settings.from_env(base_env(db_url, dead_url()))
    with TestClient(create_app(settings, run_expiry=False)) as c:
        assert c.portal.call(expire_once, state_of(c)) == 1  # type: ignore[union-attr]
    assert get_handoff(db, old).afsluiting == "verlopen"


def test_the_loop_runs_and_survives_errors(
    client: TestClient, db: Database, fake_rasa: FakeRasa
) -> None:
    old = add_handoff(db, created_at=utcnow() - timedelta(minutes=30))
    state = state_of(client)
    calls = {"n": 0}
    real_now = state.now

    def flaky_now():  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return real_now()

    state.now = flaky_now  # type: ignore[method-assign]

    async def run() -> None:
        task = asyncio.create_task(expiry_loop(state, interval=0.05))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if fake_rasa.triggers:
                break
        task.cancel()

    client.portal.call(run)  # type: ignore[union-attr]
    assert calls["n"] >= 2
    assert get_handoff(db, old).afsluiting == "verlopen"
    assert fake_rasa.intents() == ["handoff_verlopen"]
