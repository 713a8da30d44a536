"""Our socket.io channel: stock message shapes, plus the adviser's name on the adviser's messages."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered

import bot.channels.socketio as ours
from bot.channels.socketio import DigiwijzerSocketIOInput, DigiwijzerSocketIOOutput

BUTTONS = [
    {"title": "A. Papier", "payload": '/inform{"scan_antwoord": "A"}'},
    {"title": "B. Basis", "payload": '/inform{"scan_antwoord": "B"}'},
]


class FakeSio:
    """Records what the channel does with the socket.io server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.emitted: list[tuple[str, Any, dict]] = []
        self.rooms: list[tuple[str, str]] = []
        self.handlers: dict[str, Callable] = {}

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None:
        self.rooms.append((sid, room))

    def on(self, event: str, handler: Callable | None = None, namespace: str | None = None) -> Any:
        if handler is not None:
            self.handlers[event] = handler
            return None

        def register(func: Callable) -> Callable:
            self.handlers[event] = func
            return func

        return register

    def attach(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture
def sio() -> FakeSio:
    return FakeSio()


@pytest.fixture
def output(sio: FakeSio) -> DigiwijzerSocketIOOutput:
    return DigiwijzerSocketIOOutput(sio, "bot_uttered")  # type: ignore[arg-type]


def bot_message(text: str, buttons: list[dict] | None = None, **metadata: Any) -> dict:
    """What Rasa hands to send_response: BotUttered.message() (data plus metadata, flattened)."""
    return BotUttered(text, data={"buttons": buttons}, metadata=metadata).message()


async def test_adviser_text_carries_the_adviser_name(sio: FakeSio, output: DigiwijzerSocketIOOutput) -> None:
    message = bot_message("Hallo, ik ben Sanne", adviseur="Sanne", bericht="Hallo, ik ben Sanne",
                          utter_action="utter_adviseur_bericht")  # fmt: skip
    await output.send_response("sessie123", message)
    assert sio.emitted == [
        ("bot_uttered", {"text": "Hallo, ik ben Sanne", "metadata": {"adviseur": "Sanne"}}, {"room": "sessie123"})
    ]


async def test_bot_text_keeps_the_stock_shape(sio: FakeSio, output: DigiwijzerSocketIOOutput) -> None:
    await output.send_response("sessie123", bot_message("Hoi!\n\nZullen we beginnen?", utter_action="utter_greet"))
    assert sio.emitted == [
        ("bot_uttered", {"text": "Hoi!"}, {"room": "sessie123"}),
        ("bot_uttered", {"text": "Zullen we beginnen?"}, {"room": "sessie123"}),
    ]


async def test_buttons_are_quick_replies_on_the_last_part(sio: FakeSio, output: DigiwijzerSocketIOOutput) -> None:
    await output.send_response("s1", bot_message("Vraag 1 van 7\n\nHoe werken jullie?", BUTTONS))
    assert sio.emitted == [
        ("bot_uttered", {"text": "Vraag 1 van 7", "quick_replies": []}, {"room": "s1"}),
        (
            "bot_uttered",
            {
                "text": "Hoe werken jullie?",
                "quick_replies": [
                    {"content_type": "text", "title": "A. Papier", "payload": '/inform{"scan_antwoord": "A"}'},
                    {"content_type": "text", "title": "B. Basis", "payload": '/inform{"scan_antwoord": "B"}'},
                ],
            },
            {"room": "s1"},
        ),
    ]


async def test_adviser_message_with_buttons(sio: FakeSio, output: DigiwijzerSocketIOOutput) -> None:
    await output.send_response("s1", bot_message("Past dit?", BUTTONS[:1], adviseur="Sanne"))
    assert sio.emitted == [
        (
            "bot_uttered",
            {
                "text": "Past dit?",
                "quick_replies": [
                    {"content_type": "text", "title": "A. Papier", "payload": '/inform{"scan_antwoord": "A"}'}
                ],
                "metadata": {"adviseur": "Sanne"},
            },
            {"room": "s1"},
        )
    ]


@pytest.mark.parametrize("adviser", [None, "", "  ", 42])
async def test_no_or_odd_adviser_name_adds_no_metadata(
    adviser: Any, sio: FakeSio, output: DigiwijzerSocketIOOutput
) -> None:
    await output.send_text_message("s1", "Tekst", adviseur=adviser)
    assert sio.emitted == [("bot_uttered", {"text": "Tekst"}, {"room": "s1"})]


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> tuple[DigiwijzerSocketIOInput, FakeSio, list[UserMessage]]:
    """The input channel with its blueprint built on a fake socket.io server."""
    monkeypatch.delenv("SOCKETIO_REDIS_URL", raising=False)
    monkeypatch.setattr(ours, "AsyncServer", FakeSio)
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    credentials = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    input_channel = DigiwijzerSocketIOInput.from_credentials(credentials)
    assert isinstance(input_channel, DigiwijzerSocketIOInput)
    with pytest.warns(UserWarning, match="cannot be recreated"):
        assert input_channel.get_output_channel() is None  # no server yet: the stock warning
    input_channel.blueprint(on_new_message)
    assert isinstance(input_channel.sio, FakeSio)
    return input_channel, input_channel.sio, received


def test_name_and_output_channel_for_external_events(channel: tuple) -> None:
    input_channel, sio, _ = channel
    assert DigiwijzerSocketIOInput.name() == "socketio"  # what output_channel=latest looks for
    output = input_channel.get_output_channel()
    assert isinstance(output, DigiwijzerSocketIOOutput)
    assert output.sio is sio and output.bot_message_evt == "bot_uttered"


async def test_session_request_joins_the_session_room(channel: tuple) -> None:
    _, sio, _ = channel
    await sio.handlers["session_request"]("sid1", {"session_id": "abcdef0123456789"})
    assert sio.rooms == [("sid1", "abcdef0123456789")]
    assert sio.emitted == [("session_confirm", "abcdef0123456789", {"room": "sid1", "namespace": None})]


@pytest.mark.parametrize("data", [None, {}, {"session_id": None}, {"session_id": "../x"}, {"session_id": "kort"}])
async def test_session_request_without_a_usable_id_gets_a_new_one(channel: tuple, data: Any) -> None:
    _, sio, _ = channel
    await sio.handlers["session_request"]("sid1", data)
    [(event, session_id, kwargs)] = sio.emitted
    assert event == "session_confirm" and kwargs == {"room": "sid1", "namespace": None}
    assert len(session_id) == 32 and int(session_id, 16) >= 0
    assert sio.rooms == [("sid1", session_id)]


async def test_user_message_goes_to_rasa_with_our_output_channel(channel: tuple) -> None:
    _, sio, received = channel
    await sio.handlers["user_uttered"]("sid1", {"message": "hallo", "session_id": "abcdef0123456789"})
    [message] = received
    assert (message.text, message.sender_id, message.input_channel) == ("hallo", "abcdef0123456789", "socketio")
    assert isinstance(message.output_channel, DigiwijzerSocketIOOutput)
    await message.output_channel.send_text_message(message.sender_id, "Hoi", adviseur="Sanne")
    assert sio.emitted == [
        ("bot_uttered", {"text": "Hoi", "metadata": {"adviseur": "Sanne"}}, {"room": message.sender_id})
    ]


async def test_user_message_without_session_id_is_ignored(channel: tuple) -> None:
    _, sio, received = channel
    await sio.handlers["user_uttered"]("sid1", {"message": "hallo"})
    assert received == []


async def test_connect_is_open_without_a_jwt_key(channel: tuple) -> None:
    _, sio, _ = channel
    assert await sio.handlers["connect"]("sid1", {}, None) is True


def test_no_redis_url_means_rooms_in_memory() -> None:
    assert ours.redis_manager({}) is None
    assert ours.redis_manager({"SOCKETIO_REDIS_URL": "  "}) is None


def test_redis_url_gives_a_redis_manager_on_our_channel() -> None:
    manager = ours.redis_manager({"SOCKETIO_REDIS_URL": "redis://:pw@127.0.0.1:6379/0"})
    assert manager is not None
    assert (manager.redis_url, manager.channel) == ("redis://:pw@127.0.0.1:6379/0", "digiwijzer-socketio")
    other = ours.redis_manager({"SOCKETIO_REDIS_URL": "redis://h/0", "SOCKETIO_REDIS_CHANNEL": "staging"})
    assert other is not None and other.channel == "staging"
    with pytest.raises(ValueError, match="SOCKETIO_REDIS_URL"):
        ours.redis_manager({"SOCKETIO_REDIS_URL": "http://127.0.0.1:6379"})


def test_the_blueprint_uses_the_redis_manager_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCKETIO_REDIS_URL", "redis://:pw@127.0.0.1:1/0")
    input_channel = DigiwijzerSocketIOInput.from_credentials({"session_persistence": True})

    async def on_new_message(message: UserMessage) -> None:
        pass

    blueprint = input_channel.blueprint(on_new_message)
    assert isinstance(input_channel.sio.manager, ours.AsyncRedisManager)
    assert [listener.event for listener in blueprint._future_listeners] == ["before_server_start", "after_server_start"]
