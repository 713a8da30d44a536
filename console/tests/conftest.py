"""Shared fixtures: a database per test (SQLite, and PostgreSQL when configured), a fake
Rasa server on loopback, the console app, and helpers to create advisers and hand-offs."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from digiconsole.app import create_app
from digiconsole.auth import hash_password
from digiconsole.db import Database, make_engine, migrate
from digiconsole.models import Adviseur, AdviseurLoket, Handoff, utcnow
from digiconsole.settings import Settings
from digiconsole.state import ConsoleState

SERVICE_TOKEN = "svc-" + "k3Y9pQ7wLm2ZxV8r" * 3
SECRET_KEY = "sess-" + "Aq1Ws2Ed3Rf4Tg5Y" * 3
RASA_TOKEN = "rasa-token-for-tests"
PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("CONSOLE_TEST_POSTGRES_URL")

DB_PARAMS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="CONSOLE_TEST_POSTGRES_URL not set"),
    ),
]


def reset_postgres(url: str) -> None:
    """Give the test an empty public schema."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=DB_PARAMS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database (no tables)."""
    if request.param == "postgres":
        assert POSTGRES_URL
        reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'console.db'}"


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """URL of a database migrated to head."""
    migrate(empty_db_url)
    return empty_db_url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


# --- fake Rasa -------------------------------------------------------------------------


@dataclass
class FakeRasa:
    """A Rasa HTTP API stand-in: records trigger_intent calls, serves canned trackers."""

    url: str = ""
    triggers: list[dict[str, Any]] = field(default_factory=list)
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    fail_status: int | None = None

    def reset(self) -> None:
        self.triggers.clear()
        self.trackers.clear()
        self.tokens.clear()
        self.fail_status = None

    def intents(self) -> list[str]:
        return [t["name"] for t in self.triggers]

    def app(self) -> Starlette:
        async def tracker(request: Request) -> Response:
            self.tokens.append(request.query_params.get("token", ""))
            if self.fail_status:
                return JSONResponse({"error": "boom"}, status_code=self.fail_status)
            cid = request.path_params["cid"]
            return JSONResponse({"sender_id": cid, "events": self.trackers.get(cid, [])})

        async def trigger(request: Request) -> Response:
            self.tokens.append(request.query_params.get("token", ""))
            if self.fail_status:
                return JSONResponse({"error": "boom"}, status_code=self.fail_status)
            body = await request.json()
            self.triggers.append(
                {
                    "conversation_id": request.path_params["cid"],
                    "output_channel": request.query_params.get("output_channel"),
                    **body,
                }
            )
            return JSONResponse({"tracker": {}, "messages": []})

        return Starlette(
            routes=[
                Route("/conversations/{cid}/tracker", tracker),
                Route("/conversations/{cid}/trigger_intent", trigger, methods=["POST"]),
            ]
        )


class ServerThread:
    """Run an ASGI app with uvicorn on a free loopback port in a thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="session")
def fake_rasa_server() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    with ServerThread(fake.app()) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def fake_rasa(fake_rasa_server: FakeRasa) -> FakeRasa:
    fake_rasa_server.reset()
    return fake_rasa_server


def dead_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- settings and app ------------------------------------------------------------------


def base_env(db_url: str, rasa_url: str, **extra: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": db_url,
        "CONSOLE_SECRET_KEY": SECRET_KEY,
        "CONSOLE_SERVICE_TOKEN": SERVICE_TOKEN,
        "RASA_URL": rasa_url,
        "RASA_AUTH_TOKEN": RASA_TOKEN,
        "CONSOLE_COOKIE_SECURE": "false",
        "KANTOORUREN": "ma-zo 00:00-24:00",
    }
    env.update(extra)
    return env


@pytest.fixture
def settings(db_url: str, fake_rasa: FakeRasa) -> Settings:
    return Settings.from_env(base_env(db_url, fake_rasa.url))


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, run_expiry=False)
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def state_of(client: TestClient) -> ConsoleState:
    state: ConsoleState = client.app.state.console  # type: ignore[attr-defined]
    return state


@pytest.fixture
def api(client: TestClient) -> TestClient:
    """The same client, with the service token set."""
    client.headers["Authorization"] = f"Bearer {SERVICE_TOKEN}"
    return client


# --- data helpers ------------------------------------------------------------------------


def add_adviseur(
    db: Database,
    email: str,
    naam: str,
    lokets: list[str],
    *,
    admin: bool = False,
    actief: bool = True,
    password: str = PASSWORD,
) -> int:
    with db.session() as session:
        adviseur = Adviseur(
            email=email,
            naam=naam,
            password_hash=hash_password(password),
            is_admin=admin,
            actief=actief,
            created_at=utcnow(),
            lokets=[AdviseurLoket(loket_id=loket) for loket in lokets],
        )
        session.add(adviseur)
        session.flush()
        return adviseur.id


def add_handoff(db: Database, **values: Any) -> int:
    defaults: dict[str, Any] = {
        "conversation_id": f"conv-{time.monotonic_ns()}",
        "channel": "socketio",
        "loket": "ibdo",
        "status": "aangevraagd",
        "contact_voorkeur": "chat",
        "toestemming": False,
        "created_at": utcnow(),
    }
    defaults.update(values)
    with db.session() as session:
        handoff = Handoff(**defaults)
        session.add(handoff)
        session.flush()
        return handoff.id


def get_handoff(db: Database, handoff_id: int) -> Handoff:
    with db.session() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the form; return the CSRF token of the new session."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf": csrf_from(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/").text)


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
