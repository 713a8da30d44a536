"""The real stack over HTTP: Rasa server, action server and the hand-off console.

Nothing is faked: the action server creates hand-offs through the console's service API,
an adviser logs in to the console (CSRF, session cookie), claims, replies, notes and hands
back, and the console talks to Rasa's HTTP API. Checked: exactly one record for a
conversation that asks twice, the scan kept, the adviser's reply in the conversation's
tracker, the bot silent while the adviser has the conversation, and access scoping.
"""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Iterator

import pytest
import requests

from tests.console_stack import CONSOLE_PY, PASSWORD, start_console
from tests.e2e.conftest import Bot
from tests.servers import free_port, start_bot, stop, wait_until_up


class Stack:
    def __init__(self, bot: Bot, console_url: str, service_token: str) -> None:
        self.bot, self.console_url, self.service_token = bot, console_url, service_token

    def open_handoff(self, sender: str) -> dict | None:
        response = requests.get(
            f"{self.console_url}/api/handoffs/open",
            params={"conversation_id": sender},
            headers={"Authorization": f"Bearer {self.service_token}"},
            timeout=10,
        )
        return None if response.status_code == 404 else response.json()

    def login(self, email: str) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.console_url}/login", timeout=10)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        answer = session.post(
            f"{self.console_url}/login",
            data={"csrf": csrf, "email": email, "password": PASSWORD, "next": "/"},
            timeout=10,
        )
        assert answer.status_code == 200 and "/login" not in answer.url, "login failed"
        return session

    def post(self, session: requests.Session, path: str, **data: str) -> requests.Response:
        page = session.get(f"{self.console_url}/", timeout=10)
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        return session.post(f"{self.console_url}{path}", data={"csrf": csrf, **data}, timeout=30)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not CONSOLE_PY.exists():
        pytest.fail("run scripts/setup.sh first (the test command does): the console venv is missing")
    tmp = tmp_path_factory.mktemp("stack")
    rasa_port, token = free_port(), secrets.token_hex(16)
    console = start_console(
        tmp, free_port(), f"http://127.0.0.1:{rasa_port}", token,
        [("sanne@kvk.example", "Sanne", "kvk"), ("piet@grobusiness.example", "Piet", "grobusiness")],
    )  # fmt: skip
    env = {"CONSOLE_URL": console.url, "CONSOLE_SERVICE_TOKEN": console.service_token}
    running = start_bot(tmp, env=env, rasa_port=rasa_port, token=token)
    try:
        wait_until_up(f"{console.url}/login", console.proc, console.log)
        running.wait()
        yield Stack(Bot(running.url, token), console.url, console.service_token)
    finally:
        running.stop()
        stop(console.proc)


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text", "") for m in messages]


def test_adviser_claims_replies_and_hands_back_in_the_real_console(stack):
    bot, sender = stack.bot, f"int-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "/start_scan")
    bot.say(sender, "B")
    bot.say(sender, "kan ik iemand spreken?")
    bot.say(sender, '/inform{"contact_voorkeur": "chat"}')
    bot.say(sender, "nee")  # no name: nothing personal, no consent question
    handoff = stack.open_handoff(sender)
    assert handoff is not None and handoff["status"] == "aangevraagd"
    # Asking again while the request waits creates no second record.
    again = bot.say(sender, "ik wil een mens spreken")
    assert any("staat al klaar" in t for t in texts(again))
    assert stack.open_handoff(sender)["id"] == handoff["id"]

    piet = stack.login("piet@grobusiness.example")
    assert piet.get(f"{stack.console_url}/handoffs/{handoff['id']}", timeout=10).status_code == 404
    sanne = stack.login("sanne@kvk.example")
    page = sanne.get(f"{stack.console_url}/handoffs/{handoff['id']}", timeout=10)
    assert page.status_code == 200 and "kan ik iemand spreken?" in page.text  # the transcript, from Rasa

    assert stack.post(sanne, f"/handoffs/{handoff['id']}/overnemen").status_code in (200, 303)
    tracker = bot.tracker(sender)
    assert tracker["slots"]["handoff_status"] == "actief"
    said = [e["text"] for e in tracker["events"] if e["event"] == "bot"]
    assert said[-1] == "Je praat nu met Sanne, adviseur van KVK (Kamer van Koophandel)."
    assert bot.say(sender, "hallo Sanne, ik heb een vraag over een subsidie") == []  # the bot is silent

    stack.post(sanne, f"/handoffs/{handoff['id']}/bericht", tekst="Hoi! Daar help ik je graag mee.")
    adviser_lines = [
        e for e in bot.tracker(sender)["events"] if e["event"] == "bot" and e.get("metadata", {}).get("adviseur")
    ]
    assert [(e["text"], e["metadata"]["adviseur"]) for e in adviser_lines] == [
        ("Hoi! Daar help ik je graag mee.", "Sanne")
    ]

    stack.post(sanne, f"/handoffs/{handoff['id']}/terug")
    tracker = bot.tracker(sender)
    assert tracker["slots"]["handoff_status"] == "afgerond"
    assert stack.open_handoff(sender) is None
    assert tracker["slots"]["scan_tools"] == "B" and tracker["slots"]["scan_data"] is None  # the scan is kept
    assert tracker["active_loop"]["name"] == "zelfscan_form"


def test_console_refuses_anyone_not_logged_in(stack):
    response = requests.get(f"{stack.console_url}/", allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]
    assert requests.post(f"{stack.console_url}/api/handoffs", json={}, timeout=10).status_code == 401
