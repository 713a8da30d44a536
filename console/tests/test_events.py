"""In-process pub/sub: scoping by loket, fan-out, never blocking."""

from __future__ import annotations

import asyncio

from digiconsole.events import QUEUE_SIZE, Event, EventBus, serves


def test_serves() -> None:
    assert serves("ibdo", None)
    assert serves(None, None)
    assert serves("ibdo", frozenset({"ibdo"}))
    assert not serves("grobusiness", frozenset({"ibdo"}))
    assert serves(None, frozenset({"kvk"}))
    assert not serves(None, frozenset({"ibdo"}))


def test_publish_reaches_only_the_right_subscribers() -> None:
    async def scenario() -> None:
        bus = EventBus()
        ibdo = bus.subscribe(frozenset({"ibdo"}))
        admin = bus.subscribe(None)
        gro = bus.subscribe(frozenset({"grobusiness"}))
        assert bus.publish(Event("nieuw", 1, "ibdo")) == 2
        assert (await asyncio.wait_for(ibdo.queue.get(), 1)).handoff_id == 1
        assert (await asyncio.wait_for(admin.queue.get(), 1)).type == "nieuw"
        assert gro.queue.empty()
        bus.unsubscribe(ibdo)
        assert bus.publish(Event("nieuw", 2, "ibdo")) == 1
        assert bus.subscriber_count == 2

    asyncio.run(scenario())


def test_a_stalled_subscriber_does_not_block_others() -> None:
    async def scenario() -> None:
        bus = EventBus()
        stalled = bus.subscribe(None)
        for i in range(QUEUE_SIZE):
            bus.publish(Event("gewijzigd", i, None))
        fresh = bus.subscribe(None)
        assert bus.publish(Event("nieuw", 999, None)) == 1
        assert stalled.queue.qsize() == QUEUE_SIZE
        assert fresh.queue.get_nowait().handoff_id == 999

    asyncio.run(scenario())


def test_payload() -> None:
    event = Event("bericht", 7, "ibdo", {"tekst": "hoi"})
    assert event.payload() == {"type": "bericht", "handoff_id": 7, "tekst": "hoi"}
