"""The real stack over HTTP: Rasa server, action server and the hand-off console.

Nothing is faked: the action server creates hand-offs through the console's service API,
an adviser logs in to the console (CSRF, session cookie), claims, replies, notes and hands
back, and the console talks to Rasa's HTTP API. Checked: exactly one record for a
conversation that asks twice, the scan kept, the adviser's reply in the conversation's
tracker, the bot silent while the adviser has the conversation, and access scoping.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import uuid
from typing import Iterator

import pytest
import requests

from tests.console_stack import CONSOLE_PY, PASSWORD, start_console
from tests.e2e.conftest import MODEL, ROOT, VENV_BIN, Bot, free_port, stop, wait_until_up


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
    if not MODEL.exists() or not CONSOLE_PY.exists():
        pytest.fail("run scripts/setup.sh first (the test command does): model or console venv missing")
    tmp = tmp_path_factory.mktemp("stack")
    action_port, rasa_port, console_port = free_port(), free_port(), free_port()
    rasa_token = secrets.token_hex(16)
    console = start_console(
        tmp, console_port, f"http://127.0.0.1:{rasa_port}", rasa_token,
        [("sanne@kvk.example", "Sanne", "kvk"), ("piet@grobusiness.example", "Piet", "grobusiness")],
    )  # fmt: skip
    service_token = console.service_token
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n",
        encoding="utf-8",
    )
    bot_env = {**os.environ, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "3",
               "CONSOLE_URL": f"http://127.0.0.1:{console_port}", "CONSOLE_SERVICE_TOKEN": service_token}  # fmt: skip
    logs = {"console": console.log, "actions": tmp / "actions.log", "rasa": tmp / "rasa.log"}
    actions = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        cwd=ROOT, env=bot_env, stdout=logs["actions"].open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api", "--auth-token", rasa_token,
         "--interface", "127.0.0.1", "--port", str(rasa_port), "--endpoints", str(endpoints),
         "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=bot_env, stdout=logs["rasa"].open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{console_port}/login", console.proc, logs["console"])
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, logs["actions"])
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={rasa_token}", rasa, logs["rasa"])
        yield Stack(Bot(f"http://127.0.0.1:{rasa_port}", rasa_token), f"http://127.0.0.1:{console_port}", service_token)
    finally:
        for proc in (rasa, actions, console.proc):
            stop(proc)


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
