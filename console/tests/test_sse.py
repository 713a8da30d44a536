"""Live updates over a real HTTP connection: the console served by uvicorn on loopback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from digiconsole.app import create_app
from digiconsole.db import Database
from digiconsole.settings import Settings

from .conftest import SERVICE_TOKEN, FakeRasa, ServerThread, add_adviseur, base_env


@pytest.fixture
def console_url(db_url: str, fake_rasa: FakeRasa) -> Iterator[str]:
    app = create_app(Settings.from_env(base_env(db_url, fake_rasa.url)), run_expiry=False)
    with ServerThread(app) as server:
        yield server.url


def logged_in(url: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=10)
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login", data={"email": email, "password": "correct horse battery", "csrf": token.group(1)}
    )
    assert response.status_code == 303
    return client


def read_event(lines: Iterator[str]) -> dict[str, str]:
    event: dict[str, str] = {}
    for line in lines:
        if line == "" and "data" in event:
            return event
        if line.startswith(":") or not line:
            continue
        key, _, value = line.partition(":")
        event[key] = value.strip()
    raise AssertionError("stream ended")


def test_new_request_reaches_the_right_console(console_url: str, db: Database) -> None:
    add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo"])
    add_adviseur(db, "gert@gro.nl", "Gert", ["grobusiness"])
    anouk = logged_in(console_url, "anouk@ibdo.nl")
    gert = logged_in(console_url, "gert@gro.nl")
    service = httpx.Client(
        base_url=console_url, timeout=10, headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}
    )
    try:
        with anouk.stream("GET", "/events") as stream, gert.stream("GET", "/events") as other:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            other_lines = other.iter_lines()
            next(lines)  # the "retry"/comment preamble: the stream is open
            next(other_lines)
            # A grobusiness request first (Anouk must not see it), then an ibdo one.
            for conv, loket in (("c-gro", "grobusiness"), ("c-ibdo", "ibdo")):
                response = service.post(
                    "/api/handoffs",
                    json={
                        "conversation_id": conv,
                        "channel": "socketio",
                        "contact_voorkeur": "chat",
                        "loket": loket,
                    },
                )
                assert response.status_code == 201
            event = read_event(lines)
            assert event["event"] == "nieuw"
            data = json.loads(event["data"])
            ibdo_id = service.get(
                "/api/handoffs/open", params={"conversation_id": "c-ibdo"}
            ).json()["id"]
            assert data == {"type": "nieuw", "handoff_id": ibdo_id}
            gro_event = json.loads(read_event(other_lines)["data"])
            assert gro_event["handoff_id"] != ibdo_id
            # The entrepreneur writes: pushed live with the text.
            service.post(
                f"/api/handoffs/{ibdo_id}/bericht", json={"tekst": "<b>hoi</b>", "tijd": None}
            )
            event = read_event(lines)
            assert event["event"] == "bericht"
            assert json.loads(event["data"])["tekst"] == "<b>hoi</b>"
    finally:
        for client in (anouk, gert, service):
            client.close()
    # The stream is scoped and needs a login.
    assert httpx.get(f"{console_url}/events", timeout=5).status_code == 401
