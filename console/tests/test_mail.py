"""E-mail to the loket's advisers on a new request, against a local SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from digiconsole.app import create_app
from digiconsole.db import Database
from digiconsole.mail import send_new_request
from digiconsole.settings import Settings

from .conftest import SERVICE_TOKEN, FakeRasa, add_adviseur, base_env


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_new_request_mails_the_lokets_advisers(
    db_url: str, db: Database, fake_rasa: FakeRasa, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo"])
    add_adviseur(db, "gert@gro.nl", "Gert", ["grobusiness"])
    settings = Settings.from_env(
        base_env(
            db_url,
            fake_rasa.url,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(port),
            SMTP_FROM="console@digiwijzer.nl",
            CONSOLE_PUBLIC_URL="https://console.example",
        )
    )
    with TestClient(create_app(settings, run_expiry=False)) as c:
        response = c.post(
            "/api/handoffs",
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
            json={
                "conversation_id": "c1",
                "channel": "rest",
                "contact_voorkeur": "chat",
                "loket": "ibdo",
                "toestemming": True,
                "naam": "Anna Geheim",
            },
        )
    assert response.status_code == 201
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    # Advisers in Bcc (they do not see each other's addresses), the sender in To.
    assert sorted(recipients) == ["anouk@ibdo.nl", "console@digiwijzer.nl"]
    assert message["Bcc"] is None
    assert message["Subject"] == "Nieuwe aanvraag voor Ik Ben Drents Ondernemer (IBDO)"
    body = message.get_payload(decode=True).decode()
    assert f"https://console.example/handoffs/{response.json()['id']}" in body
    assert "Anna" not in body  # no personal data by e-mail


def test_smtp_down_does_not_fail(db_url: str, fake_rasa: FakeRasa) -> None:
    settings = Settings.from_env(
        base_env(db_url, fake_rasa.url, SMTP_HOST="127.0.0.1", SMTP_PORT="1", SMTP_FROM="c@d.nl")
    )
    assert send_new_request(settings, ["a@b.nl"], 1, "IBDO") is False
