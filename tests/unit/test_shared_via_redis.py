"""What the channels share through a real Redis (scripts/redis.sh): WhatsApp de-duplication, socket.io rooms."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Iterator

import pytest
import redis
from rasa.core.channels.channel import UserMessage

import bot.channels.socketio as sio_channel
from bot.channels.whatsapp import DEDUPE_KEY_PREFIX, DEDUPE_TTL_SECONDS, WhatsAppInput, sign
from tests.production_stack import redis_url
from tests.whatsapp_fake import PHONE_NUMBER_ID, FakeGraphApi, delivery, text

SECRET = "app-secret-for-tests"
CREDENTIALS = {"access_token": "t", "app_secret": SECRET, "verify_token": "v", "phone_number_id": PHONE_NUMBER_ID}
USER = "31612345678"


@pytest.fixture(scope="module")
def url() -> str:
    return redis_url()


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    fake = FakeGraphApi()
    yield fake
    fake.close()


def whatsapp(graph: FakeGraphApi) -> WhatsAppInput:
    return WhatsAppInput.from_credentials({**CREDENTIALS, "api_base_url": graph.url})


async def settle(*channels: WhatsAppInput) -> None:
    """Wait until the channels' background tasks are done (polling, at most 10 s)."""
    for _ in range(200):
        if not any(channel._tasks for channel in channels):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("background tasks still running")


async def test_a_retry_reaching_another_process_is_skipped(
    url: str, graph: FakeGraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEDUPE_REDIS_URL", url)
    first, second = whatsapp(graph), whatsapp(graph)  # two Rasa processes behind one webhook
    assert first.shared is not None and second.shared is not None
    handled: list[tuple[str, str]] = []

    def on_new_message(name: str):  # type: ignore[no-untyped-def]
        async def handle(message: UserMessage) -> None:
            handled.append((name, message.message_id or ""))

        return handle

    message_id = f"wamid.{uuid.uuid4().hex}"
    raw = json.dumps(delivery(text(USER, message_id, "hallo"))).encode()
    assert first.receive(raw, sign(SECRET, raw), on_new_message("first")).status == 200
    await settle(first)
    assert second.receive(raw, sign(SECRET, raw), on_new_message("second")).status == 200  # Meta's retry
    await settle(second)
    assert handled == [("first", message_id)]
    # at the same moment in two processes: still once (SET NX)
    other_id = f"wamid.{uuid.uuid4().hex}"
    raw = json.dumps(delivery(text(USER, other_id, "hoi"))).encode()
    first.receive(raw, sign(SECRET, raw), on_new_message("first"))
    second.receive(raw, sign(SECRET, raw), on_new_message("second"))
    await settle(first, second)
    assert [m for _, m in handled].count(other_id) == 1
    # kept in Redis with the TTL, under our prefix
    client = redis.Redis.from_url(url)
    ttl = client.ttl(DEDUPE_KEY_PREFIX + message_id)
    assert DEDUPE_TTL_SECONDS - 60 < ttl <= DEDUPE_TTL_SECONDS
    client.delete(DEDUPE_KEY_PREFIX + message_id, DEDUPE_KEY_PREFIX + other_id)


async def test_without_redis_each_process_remembers_for_itself(
    graph: FakeGraphApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEDUPE_REDIS_URL", raising=False)
    first, second = whatsapp(graph), whatsapp(graph)
    assert first.shared is None
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.message_id or "")

    raw = json.dumps(delivery(text(USER, "wamid.local", "hallo"))).encode()
    for channel in (first, first, second):
        channel.receive(raw, sign(SECRET, raw), on_new_message)
        await settle(channel)
    assert handled == ["wamid.local", "wamid.local"]  # once per process: the limit the Redis store lifts


async def test_unreachable_redis_falls_back_to_memory(
    graph: FakeGraphApi, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.servers import free_port

    monkeypatch.setenv("DEDUPE_REDIS_URL", f"redis://:x@127.0.0.1:{free_port()}/0")  # nobody listens
    channel = whatsapp(graph)
    handled: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message.message_id or "")

    raw = json.dumps(delivery(text(USER, "wamid.down", "hallo"))).encode()
    for _ in range(2):
        channel.receive(raw, sign(SECRET, raw), on_new_message)
        await settle(channel)
    assert handled == ["wamid.down"]
    assert "Redis for de-duplication not reached" in caplog.text


async def test_each_worker_listens_from_the_start_under_its_own_host_id(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel_name = f"digiwijzer-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("SOCKETIO_REDIS_URL", url)
    monkeypatch.setenv("SOCKETIO_REDIS_CHANNEL", channel_name)
    input_channel = sio_channel.DigiwijzerSocketIOInput.from_credentials({"session_persistence": True})

    async def on_new_message(message: UserMessage) -> None:
        pass

    input_channel.blueprint(on_new_message)
    sio = input_channel.sio
    parent_id = sio.manager.host_id  # what every forked Sanic worker would start with
    sio_channel.renew_host_id(sio)  # before_server_start, in each worker
    sio_channel.start_redis_listener(sio)  # after_server_start
    try:
        assert sio.manager_initialized and sio.manager.host_id != parent_id
        client = redis.Redis.from_url(url)
        for _ in range(100):  # subscribed without any client having connected
            if dict(client.pubsub_numsub(channel_name)).get(channel_name.encode(), 0) >= 1:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the socket.io Redis listener did not subscribe")
        host_id = sio.manager.host_id
        sio_channel.start_redis_listener(sio)  # once per worker: a second call changes nothing
        assert sio.manager.host_id == host_id
    finally:
        sio.manager.thread.cancel()
