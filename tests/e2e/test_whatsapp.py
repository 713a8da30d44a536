"""The WhatsApp channel on the real servers: Meta's webhook calls in, a fake Graph API receives the replies."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
import requests

from bot.channels.whatsapp import ONLY_TEXT, sign
from tests.servers import MODEL, free_port, rasa_tracker, rasa_trigger, start_bot
from tests.whatsapp_fake import (
    PHONE_NUMBER_ID,
    FakeGraphApi,
    Sent,
    delivery,
    list_reply,
    message,
    status,
    text,
)

pytestmark = pytest.mark.e2e

APP_SECRET = "e2e-app-secret-" + secrets.token_hex(8)
VERIFY_TOKEN = "e2e-verify-" + secrets.token_hex(8)
ACCESS_TOKEN = "e2e-access-" + secrets.token_hex(8)
CREDENTIALS = """\
rest:
bot.channels.whatsapp.WhatsAppInput:
  access_token: ${{WHATSAPP_ACCESS_TOKEN}}
  app_secret: ${{WHATSAPP_APP_SECRET}}
  verify_token: ${{WHATSAPP_VERIFY_TOKEN}}
  phone_number_id: ${{WHATSAPP_PHONE_NUMBER_ID}}
  api_base_url: {api_base_url}
  api_version: v21.0
"""


@dataclass
class WhatsAppBot:
    """The running bot seen from Meta's side, plus its HTTP API for checks."""

    url: str
    token: str
    graph: FakeGraphApi

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhooks/whatsapp/webhook"

    def post(self, body: dict[str, Any], signature: str | None = "good") -> requests.Response:
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = sign(APP_SECRET, raw)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return requests.post(self.webhook, data=raw, headers=headers, timeout=10)

    def user_events(self, sender: str) -> list[dict]:
        return [e for e in rasa_tracker(self.url, self.token, sender)["events"] if e["event"] == "user"]


@pytest.fixture(scope="module")
def whatsapp_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhatsAppBot]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/setup.sh (the test command does) first")
    graph = FakeGraphApi()
    tmp = tmp_path_factory.mktemp("e2e_whatsapp")
    credentials = tmp / "credentials.yml"
    credentials.write_text(CREDENTIALS.format(api_base_url=graph.url), encoding="utf-8")
    env = {"CONSOLE_URL": f"http://127.0.0.1:{free_port()}", "CONSOLE_SERVICE_TOKEN": "unused-in-this-test",
           "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "WHATSAPP_APP_SECRET": APP_SECRET,
           "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID}  # fmt: skip
    running = start_bot(tmp, env=env, credentials=credentials)
    try:
        running.wait()
        yield WhatsAppBot(running.url, running.token, graph)
    finally:
        running.stop()
        graph.close()
        log = running.logs["rasa"].read_text(errors="replace")
        assert ACCESS_TOKEN not in log and APP_SECRET not in log, "a WhatsApp secret ended up in the Rasa log"


def new_user() -> str:
    return "316" + str(uuid.uuid4().int)[:8]


def wamid() -> str:
    return f"wamid.{uuid.uuid4().hex}"


def test_verification_handshake(whatsapp_bot: WhatsAppBot) -> None:
    good = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    answer = requests.get(whatsapp_bot.webhook, params=good, timeout=10)
    assert answer.status_code == 200 and answer.text == "1158201444"
    bad = requests.get(whatsapp_bot.webhook, params={**good, "hub.verify_token": "wrong"}, timeout=10)
    assert bad.status_code == 403 and "1158201444" not in bad.text


def test_badly_signed_post_is_refused_and_nothing_is_sent(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    body = delivery(text(user, wamid(), "hallo"))
    assert whatsapp_bot.post(body, signature="sha256=" + "0" * 64).status_code == 403
    assert whatsapp_bot.post(body, signature=None).status_code == 403
    time.sleep(3)
    assert whatsapp_bot.graph.to(user) == []


def test_hallo_gets_the_intro_with_the_access_token(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    assert whatsapp_bot.post(delivery(text(user, wamid(), "hallo"))).status_code == 200
    intro = whatsapp_bot.graph.wait_for(user, lambda m: "digitale assistent" in m.text)
    assert intro.authorization == f"Bearer {ACCESS_TOKEN}"
    assert intro.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    offer = whatsapp_bot.graph.wait_for(user, lambda m: m.body.get("type") == "interactive")
    payloads = [b["reply"]["id"] for b in offer.body["interactive"]["action"]["buttons"]]
    assert "/start_scan" in payloads
    assert all(len(b["reply"]["title"]) <= 20 for b in offer.body["interactive"]["action"]["buttons"])


def question_list(bot: WhatsAppBot, user: str, number: int, after: int) -> Sent:
    return bot.graph.wait_for(user, lambda m: bool(m.rows) and f"Vraag {number} van 7" in m.text, after=after)


def test_whole_scan_through_list_replies(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    mark = 0
    whatsapp_bot.post(delivery(text(user, wamid(), "/start_scan")))
    for number, letter in zip(range(1, 8), "CCCBCDC"):
        rows = question_list(whatsapp_bot, user, number, mark).rows
        assert len(rows) == 6
        assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in rows)
        row = next(r for r in rows if r["title"].startswith(f"{letter}. "))
        mark = len(whatsapp_bot.graph.to(user))
        assert whatsapp_bot.post(delivery(list_reply(user, wamid(), row))).status_code == 200
    whatsapp_bot.graph.wait_for(user, lambda m: "Je bedrijf zit" in m.text, after=mark)
    deadline = time.monotonic() + 20  # the tracker is saved after the replies went out
    while len(whatsapp_bot.user_events(user)) < 8 and time.monotonic() < deadline:
        time.sleep(0.3)
    answers = [e["text"] for e in whatsapp_bot.user_events(user)][1:]
    assert answers == [f'/inform{{"scan_antwoord":"{x}"}}' for x in "CCCBCDC"]


def test_the_same_message_twice_is_handled_once(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    body = delivery(text(user, "wamid.twice-" + uuid.uuid4().hex, "hallo"))
    assert whatsapp_bot.post(body).status_code == 200
    assert whatsapp_bot.post(body).status_code == 200
    whatsapp_bot.graph.wait_for(user, lambda m: "digitale assistent" in m.text)
    time.sleep(3)
    assert len(whatsapp_bot.user_events(user)) == 1
    assert sum("digitale assistent" in m.text for m in whatsapp_bot.graph.to(user)) == 1


def test_an_image_gets_the_only_text_reply_without_rasa(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    image = message(user, wamid(), "image", image={"id": "1234", "mime_type": "image/jpeg", "sha256": "abc"})
    assert whatsapp_bot.post(delivery(image)).status_code == 200
    reply = whatsapp_bot.graph.wait_for(user, lambda m: m.text == ONLY_TEXT)
    assert reply.body["type"] == "text"
    time.sleep(2)
    assert len(whatsapp_bot.graph.to(user)) == 1
    assert whatsapp_bot.user_events(user) == []


def test_a_status_update_sends_nothing(whatsapp_bot: WhatsAppBot) -> None:
    user = new_user()
    assert whatsapp_bot.post(delivery(statuses=[status(user)])).status_code == 200
    time.sleep(3)
    assert whatsapp_bot.graph.to(user) == []
    assert whatsapp_bot.user_events(user) == []


def test_adviser_reply_reaches_the_whatsapp_user(whatsapp_bot: WhatsAppBot) -> None:
    """What the console does for an adviser's reply: an external intent on the latest output channel."""
    user = new_user()
    whatsapp_bot.post(delivery(text(user, wamid(), "hallo")))
    whatsapp_bot.graph.wait_for(user, lambda m: "digitale assistent" in m.text)
    rasa_trigger(
        whatsapp_bot.url, whatsapp_bot.token, user, "adviseur_bericht",
        {"adviseur": "Sanne", "bericht": "Hoi, ik help je verder."},
    )  # fmt: skip
    reply = whatsapp_bot.graph.wait_for(user, lambda m: "Hoi, ik help je verder." in m.text)
    assert reply.text == "Sanne (adviseur): Hoi, ik help je verder."
