"""The WhatsApp channel: credentials, handshake, signatures, parsing, and the exact Graph API bodies."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any, Iterator

import pytest
import rasa.shared.utils.io
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from bot.channels.whatsapp import (
    ONLY_TEXT,
    RecentIds,
    WhatsAppInput,
    WhatsAppOutput,
    button_payloads,
    list_rows,
    parse_delivery,
    shorten,
    sign,
    text_payloads,
    valid_signature,
    verify_subscription,
)
from bot.scan.content import get_content
from bot.scan.presentation import answer_payload, option_buttons
from tests.whatsapp_fake import PHONE_NUMBER_ID, FakeGraphApi, button_reply, delivery, list_reply, message, status, text

CONTENT = get_content()
SECRET = "app-secret-for-tests"
CREDENTIALS = {
    "access_token": "token-123",
    "app_secret": SECRET,
    "verify_token": "verify-me",
    "phone_number_id": PHONE_NUMBER_ID,
}
USER = "31612345678"


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    fake = FakeGraphApi()
    yield fake
    fake.close()


@pytest.fixture
def channel(graph: FakeGraphApi) -> WhatsAppInput:
    return WhatsAppInput.from_credentials({**CREDENTIALS, "api_base_url": graph.url})


# --- credentials ----------------------------------------------------------------------------------------------


def test_from_credentials_reads_all_settings() -> None:
    channel = WhatsAppInput.from_credentials({**CREDENTIALS, "api_base_url": "http://x:1/", "api_version": "v20.0"})
    assert WhatsAppInput.name() == "whatsapp"
    assert channel.config.messages_url == f"http://x:1/v20.0/{PHONE_NUMBER_ID}/messages"
    default = WhatsAppInput.from_credentials(CREDENTIALS)
    assert default.config.messages_url == f"https://graph.facebook.com/v21.0/{PHONE_NUMBER_ID}/messages"


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        ("access_token", "WHATSAPP_ACCESS_TOKEN"),
        ("app_secret", "WHATSAPP_APP_SECRET"),
        ("verify_token", "WHATSAPP_VERIFY_TOKEN"),
        ("phone_number_id", "WHATSAPP_PHONE_NUMBER_ID"),
    ],
)
def test_missing_or_empty_credential_names_the_variable(
    key: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(ValueError, match=f"^WhatsApp channel: {variable} is not set$"):
        WhatsAppInput.from_credentials({**CREDENTIALS, key: "  "})
    without = {k: v for k, v in CREDENTIALS.items() if k != key}
    with pytest.raises(ValueError, match=variable):
        WhatsAppInput.from_credentials(without)
    monkeypatch.setenv(variable, "from-the-environment")
    assert WhatsAppInput.from_credentials(without)


def test_credentials_file_with_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "credentials.yml"
    path.write_text(
        "rest:\nbot.channels.whatsapp.WhatsAppInput:\n"
        "  access_token: ${WHATSAPP_ACCESS_TOKEN}\n  app_secret: ${WHATSAPP_APP_SECRET}\n"
        "  verify_token: ${WHATSAPP_VERIFY_TOKEN}\n  phone_number_id: ${WHATSAPP_PHONE_NUMBER_ID}\n",
        encoding="utf-8",
    )
    for variable, value in [("WHATSAPP_ACCESS_TOKEN", "t"), ("WHATSAPP_VERIFY_TOKEN", "v"),
                            ("WHATSAPP_PHONE_NUMBER_ID", "1")]:  # fmt: skip
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "")
    block = rasa.shared.utils.io.read_config_file(path)["bot.channels.whatsapp.WhatsAppInput"]
    with pytest.raises(ValueError, match="WHATSAPP_APP_SECRET is not set"):
        WhatsAppInput.from_credentials(block)
    monkeypatch.delenv("WHATSAPP_APP_SECRET")  # not set at all: Rasa itself refuses, naming it
    with pytest.raises(RasaException, match="WHATSAPP_APP_SECRET"):
        rasa.shared.utils.io.read_config_file(path)


def test_the_committed_whatsapp_credentials_file_builds_the_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    for variable in (
        "WHATSAPP_ACCESS_TOKEN",
        "WHATSAPP_APP_SECRET",
        "WHATSAPP_VERIFY_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
    ):
        monkeypatch.setenv(variable, "value-of-" + variable.lower())
    config = rasa.shared.utils.io.read_config_file(root / "credentials.whatsapp.yml")
    channel = WhatsAppInput.from_credentials(config["bot.channels.whatsapp.WhatsAppInput"])
    assert channel.name() == "whatsapp"
    assert set(config) == set(rasa.shared.utils.io.read_config_file(root / "credentials.yml")) | {
        "bot.channels.whatsapp.WhatsAppInput"
    }  # the same channels as credentials.yml, plus WhatsApp


# --- handshake and signature -------------------------------------------------------------------------------------


def test_verification_handshake() -> None:
    good = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "12345"}
    assert verify_subscription(good, "verify-me") == (200, "12345")
    assert verify_subscription({k: [v] for k, v in good.items()}, "verify-me") == (200, "12345")  # Sanic's args
    assert verify_subscription({**good, "hub.verify_token": "verify-you"}, "verify-me") == (403, "")
    assert verify_subscription({**good, "hub.mode": "unsubscribe"}, "verify-me") == (403, "")
    assert verify_subscription({"hub.challenge": "12345"}, "verify-me") == (403, "")


def test_signature() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    good = sign(SECRET, body)
    assert good.startswith("sha256=") and len(good) == 7 + 64
    assert valid_signature(SECRET, body, good)
    assert not valid_signature(SECRET, body + b" ", good)  # the raw body, byte for byte
    assert not valid_signature("another-secret", body, good)
    assert not valid_signature(SECRET, body, "sha256=" + "0" * 64)
    assert not valid_signature(SECRET, body, good[7:])  # no prefix
    assert not valid_signature(SECRET, body, None)
    assert not valid_signature(SECRET, body, "")


# --- incoming ----------------------------------------------------------------------------------------------------


def test_parse_delivery_types() -> None:
    row = {"id": answer_payload("B"), "title": "B. Paar basisprogramma's"}
    body = delivery(
        text(USER, "w1", "hallo"),
        list_reply(USER, "w2", row),
        button_reply(USER, "w3", "/start_scan", "Ja, start de scan"),
        message(USER, "w4", "image", image={"id": "1"}),
        message(USER, "w5", "audio", audio={"id": "2", "voice": True}),
        message(USER, "w6", "location", location={"latitude": 52.9, "longitude": 6.5}),
        message(USER, "w7", "unsupported"),
        statuses=[status(USER)],
    )
    parsed = parse_delivery(body, PHONE_NUMBER_ID)
    assert [(m.message_id, m.kind, m.text) for m in parsed] == [
        ("w1", "text", "hallo"),
        ("w2", "interactive", '/inform{"scan_antwoord":"B"}'),
        ("w3", "interactive", "/start_scan"),
        ("w4", "image", None),
        ("w5", "audio", None),
        ("w6", "location", None),
        ("w7", "unsupported", None),
    ]
    assert parsed[0].sender == USER
    assert "Anna" not in json.dumps(parsed[0].metadata)  # the profile name is not passed on
    assert parse_delivery(delivery(statuses=[status(USER)]), PHONE_NUMBER_ID) == []
    assert parse_delivery(delivery(text(USER, "w8", "hoi"), phone_number_id="999"), PHONE_NUMBER_ID) == []
    assert parse_delivery("not a delivery") == []


def test_recent_ids_are_bounded() -> None:
    recent = RecentIds(size=2)
    assert recent.first_time("a") and recent.first_time("b")
    assert not recent.first_time("a")
    assert recent.first_time("c")  # drops "b", the least recently seen
    assert recent.first_time("b")
    assert not recent.first_time("c")


async def test_receive_checks_the_signature_and_dedupes(channel: WhatsAppInput, graph: FakeGraphApi) -> None:
    handled: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message)

    raw = json.dumps(delivery(text(USER, "wamid.1", "hallo"), message(USER, "wamid.2", "sticker"))).encode()
    assert channel.receive(raw, None, on_new_message).status == 403
    assert channel.receive(raw, "sha256=" + "f" * 64, on_new_message).status == 403
    assert channel.receive(raw, sign(SECRET, raw), on_new_message).status == 200
    assert channel.receive(raw, sign(SECRET, raw), on_new_message).status == 200  # Meta's retry
    assert channel.receive(b"not json", sign(SECRET, b"not json"), on_new_message).status == 400
    for _ in range(100):
        if handled and graph.sent:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    assert [(m.text, m.sender_id, m.input_channel, m.message_id) for m in handled] == [
        ("hallo", USER, "whatsapp", "wamid.1")
    ]
    meta = handled[0].metadata["whatsapp"]
    assert (
        meta["message_id"] == "wamid.1" and meta["type"] == "text" and set(meta) == {"message_id", "timestamp", "type"}
    )
    assert [s.body for s in graph.sent] == [text_payloads(USER, ONLY_TEXT)[0]]


def test_verify_answers_plain_text(channel: WhatsAppInput) -> None:
    answer = channel.verify({"hub.mode": ["subscribe"], "hub.verify_token": ["verify-me"], "hub.challenge": ["42"]})
    assert answer.status == 200 and answer.body == b"42" and answer.content_type.startswith("text/plain")
    assert channel.verify({"hub.mode": ["subscribe"], "hub.verify_token": ["nope"]}).status == 403


# --- outgoing: exact bodies -----------------------------------------------------------------------------------------


def test_text_body_and_split() -> None:
    assert text_payloads(USER, "Hoi!") == [
        {"messaging_product": "whatsapp", "to": USER, "type": "text", "text": {"body": "Hoi!", "preview_url": False}}
    ]
    long = ("woord " * 1500).strip()  # 8999 characters
    parts = [p["text"]["body"] for p in text_payloads(USER, long)]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert " ".join(parts) == long


def test_reply_buttons_body() -> None:
    buttons = [{"title": "Ja, graag", "payload": "/affirm"}, {"title": "Nee, dank je", "payload": "/deny"}]
    assert button_payloads(USER, "Zullen we beginnen met de scan?", buttons, CONTENT) == [
        {
            "messaging_product": "whatsapp",
            "to": USER,
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "Zullen we beginnen met de scan?"},
                "action": {
                    "buttons": [
                        {"type": "reply", "reply": {"id": "/affirm", "title": "Ja, graag"}},
                        {"type": "reply", "reply": {"id": "/deny", "title": "Nee, dank je"}},
                    ]
                },
            },
        }
    ]


def test_long_reply_button_title_is_cut_at_a_word_and_kept_in_the_body() -> None:
    buttons = [{"title": "Ja, breng me in contact", "payload": "/handoff"}]
    [sent] = button_payloads(USER, "Wil je een adviseur spreken?", buttons, CONTENT)
    assert sent["interactive"]["action"]["buttons"][0]["reply"] == {"id": "/handoff", "title": "Ja, breng me in…"}
    assert sent["interactive"]["body"]["text"] == "Wil je een adviseur spreken?\n\nJa, breng me in contact"


def test_two_scan_options_as_reply_buttons() -> None:
    question = CONTENT.question("tools")
    [sent] = button_payloads(USER, "Welke past het best?", option_buttons(question, "BD"), CONTENT)
    replies = [b["reply"] for b in sent["interactive"]["action"]["buttons"]]
    assert [r["id"] for r in replies] == [answer_payload("B"), answer_payload("D")]
    assert all(len(r["title"]) <= 20 for r in replies)
    assert [r["title"] for r in replies] == ["B. Paar…", "D. Systemen…"]
    assert question.options["B"] in sent["interactive"]["body"]["text"]


def test_a_real_scan_question_as_a_list() -> None:
    question = CONTENT.question("tools")
    [sent] = button_payloads(USER, "Vraag 1 van 7: Digitale tools", option_buttons(question), CONTENT)
    assert sent == {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Vraag 1 van 7: Digitale tools"},
            "action": {
                "button": "Kies een antwoord",
                "sections": [
                    {
                        "rows": [
                            {
                                "id": answer_payload("A"),
                                "title": "A. Vooral papier",
                                "description": "We werken vooral met papier, losse systemen of handmatig werk",
                            },
                            {
                                "id": answer_payload("B"),
                                "title": "B. Paar basisprogramma's",
                                "description": "We gebruiken een paar basisprogramma's, zoals boekhouding of Office",
                            },
                            {
                                "id": answer_payload("C"),
                                "title": "C. Systemen los van…",
                                "description": "We gebruiken meerdere systemen, maar die werken nog weinig samen",
                            },
                            {
                                "id": answer_payload("D"),
                                "title": "D. Systemen gekoppeld",
                                "description": CONTENT.question("tools").options["D"],
                            },
                            {
                                "id": answer_payload("E"),
                                "title": "E. Veel gaat automatisch",
                                "description": "Veel werk gaat automatisch en onze systemen zijn slim ingericht",
                            },
                            {
                                "id": answer_payload("F"),
                                "title": "F. Digitaal brengt omzet",
                                "description": "Digitale middelen zorgen bij ons voor nieuwe producten, diensten of…",
                            },
                        ]  # fmt: skip
                    }
                ],
            },
        },
    }


@pytest.mark.parametrize("question", CONTENT.questions, ids=lambda q: q.id)
def test_every_question_gets_titles_from_the_content(question: Any) -> None:
    rows = list_rows(option_buttons(question), CONTENT)
    assert [r["id"] for r in rows] == [answer_payload(x) for x in "ABCDEF"]
    assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in rows)
    for row, letter in zip(rows, "ABCDEF"):
        assert row["title"] == shorten(f"{letter}. {question.short_options[letter]}", 24)
        assert row["description"] == shorten(question.options[letter], 72)


def test_other_buttons_in_a_list_and_more_than_ten(caplog: pytest.LogCaptureFixture) -> None:
    buttons = [{"title": f"Gemeente nummer {i} met een heel lange naam", "payload": f"/kies{{\"n\":{i}}}"}
               for i in range(12)]  # fmt: skip
    with caplog.at_level(logging.WARNING):
        [sent] = button_payloads(USER, "Welke gemeente?", buttons, CONTENT)
    rows = sent["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 10 and "12 buttons" in caplog.text
    assert rows[0] == {"id": '/kies{"n":0}', "title": "Gemeente nummer 0 met…",
                       "description": "Gemeente nummer 0 met een heel lange naam"}  # fmt: skip


def test_long_text_with_buttons_sends_the_head_as_text_first() -> None:
    head = "Eerste alinea. " * 80  # ~1200 characters
    sent = button_payloads(USER, head + "\n\nKies maar.", [{"title": "Ja", "payload": "/affirm"}], CONTENT)
    assert [s["type"] for s in sent] == ["text", "interactive"]
    body = sent[1]["interactive"]["body"]["text"]
    assert len(body) <= 1024 and body.endswith("\n\nKies maar.")
    assert sent[0]["text"]["body"] + " " + body == (head + "\n\nKies maar.").strip()


def test_shorten() -> None:
    assert shorten("Kort", 20) == "Kort"
    assert shorten("Ja, breng me in contact", 20) == "Ja, breng me in…"
    assert shorten("Onuitsprekelijkvoorzichtigheid", 10) == "Onuitspre…"


# --- the output channel against the fake Graph API ---------------------------------------------------------------


async def test_output_posts_with_the_token_and_adviser_prefix(channel: WhatsAppInput, graph: FakeGraphApi) -> None:
    output = channel.get_output_channel()
    assert isinstance(output, WhatsAppOutput)
    await output.send_response(USER, {"text": "Hoi, ik help je verder.", "adviseur": "Sanne"})
    await output.send_response(USER, {"text": "Kies", "buttons": option_buttons(CONTENT.question("ai"))})
    assert [s.path for s in graph.sent] == [f"/v21.0/{PHONE_NUMBER_ID}/messages"] * 2
    assert {s.authorization for s in graph.sent} == {"Bearer token-123"}
    assert graph.sent[0].body["text"]["body"] == "Sanne (adviseur): Hoi, ik help je verder."
    assert graph.sent[1].body["interactive"]["type"] == "list"


async def test_graph_errors_are_logged_not_raised(
    channel: WhatsAppInput, graph: FakeGraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    output = WhatsAppOutput(channel.config)
    graph.fail(400, 131047)
    with caplog.at_level(logging.ERROR):
        await output.send_text_message(USER, "Ben je er nog?")
    assert "24 hours" in caplog.text and "131047" in caplog.text and "token-123" not in caplog.text
    graph.fail(500, 1, "Unknown error")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert not await output.post(text_payloads(USER, "x")[0])
    assert "500" in caplog.text and "token-123" not in caplog.text
    graph.succeed()
    assert await output.post(text_payloads(USER, "x")[0])
    unreachable = WhatsAppOutput(type(channel.config)("token-123", "1", "http://127.0.0.1:9"), timeout=2)
    assert not await unreachable.post(text_payloads(USER, "x")[0])
