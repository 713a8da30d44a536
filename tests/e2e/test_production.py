"""The production profile for real: PostgreSQL tracker store, Redis lock store and socket.io manager, two Rasa
processes and an action server, configured the way `DIGIWIJZER_PROFILE=production scripts/run.sh` does it
(`scripts/production_env.sh`, `endpoints.production.yml`).
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import psycopg2
import pytest
import redis
import requests
import socketio

from bot.scan.content import get_content
from bot.scan.presentation import answer_payload
from tests.e2e.scan_script import EXPECTED_SCAN_ANSWERS
from tests.production_stack import (
    TRACKER_DB,
    postgres_url,
    production_env,
    production_settings,
    redis_url,
)
from tests.servers import MODEL, ROOT, VENV_BIN, free_port, rasa_tracker, rasa_trigger, stop, wait_until_up

pytestmark = pytest.mark.e2e
CONTENT = get_content()


@dataclass
class Stack:
    """Two Rasa processes (`urls[0]`, `urls[1]`) on one PostgreSQL and one Redis, and an action server."""

    urls: tuple[str, str]
    token: str
    env: dict[str, str]
    redis_url: str

    def say(self, process: int, sender: str, message: str) -> list[dict]:
        answer = requests.post(
            f"{self.urls[process]}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=90
        )
        answer.raise_for_status()
        return answer.json()

    def tracker(self, process: int, sender: str) -> dict:
        return rasa_tracker(self.urls[process], self.token, sender)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/setup.sh (the test command does) first")
    pg, rd = postgres_url(), redis_url()
    tmp: Path = tmp_path_factory.mktemp("e2e_production")
    token = secrets.token_hex(16)
    action_port, ports = free_port(), (free_port(), free_port())
    settings = {
        **production_settings(pg, rd),
        "RASA_AUTH_TOKEN": token,
        "CONSOLE_SECRET_KEY": secrets.token_urlsafe(32),
        "CONSOLE_SERVICE_TOKEN": secrets.token_urlsafe(32),
        "ACTION_WORKERS": "2",
    }
    env = production_env(settings)
    env.update({
        "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "3",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "CONSOLE_URL": f"http://127.0.0.1:{free_port()}", "CONSOLE_SERVICE_TOKEN": "unused-in-this-test",
    })  # fmt: skip
    procs: list[tuple[subprocess.Popen, Path]] = []

    def start(name: str, args: list[str], extra: dict[str, str]) -> subprocess.Popen:
        log = tmp / f"{name}.log"
        proc = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "bot.serve", *args], cwd=ROOT, env={**env, **extra},
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        procs.append((proc, log))
        return proc

    try:
        actions = start(
            "actions",
            ["actions", "--actions", "actions", "--port", str(action_port)],
            {"ACTION_SERVER_SANIC_WORKERS": env["ACTION_WORKERS"]},
        )
        rasa = [
            start(
                f"rasa{i}",
                [
                    "rasa",
                    "run",
                    "--model",
                    str(MODEL),
                    "--enable-api",
                    f"--auth-token={token}",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--cors",
                    "*",
                    "--endpoints",
                    str(ROOT / "endpoints.production.yml"),
                    "--credentials",
                    str(ROOT / "credentials.yml"),
                ],
                {"SANIC_WORKERS": "1"},  # two separate processes, each one worker
            )  # fmt: skip
            for i, port in enumerate(ports)
        ]  # both load the model at the same time
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, procs[0][1])
        for proc, port, (_, log) in zip(rasa, ports, procs[1:]):
            wait_until_up(f"http://127.0.0.1:{port}/status?token={token}", proc, log)
        yield Stack((f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"), token, env, rd)
    finally:
        for proc, _ in reversed(procs):
            stop(proc)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def asks(messages: list[dict], number: int) -> bool:
    return f"Vraag {number} van 7" in texts(messages)


CONVERSATION: list[tuple[str, tuple[str, ...]]] = [
    ("hallo", ("digitale assistent",)),
    ("/start_scan", ("Vraag 1 van 7",)),
    ("we doen eigenlijk alles nog op papier", ("Ik noteer: A.", "Vraag 2 van 7")),
    (answer_payload("B"), ("Vraag 3 van 7",)),
    ("wat is AI eigenlijk?", ("kunstmatige intelligentie", "Vraag 3 van 7")),
    ("c", ("Vraag 4 van 7",)),
    ("nee, bij de vorige vraag bedoelde ik B", ("veranderd", "Vraag 4 van 7")),
    ("2", ("Vraag 5 van 7",)),
    ("we maken back-ups en installeren updates, verder niet veel", ("Vraag 6 van 7",)),
    ("nee, met AI doen we helemaal niets", ("Vraag 7 van 7",)),
    ("we hebben nog geen plannen voor digitalisering", ("Je bedrijf zit", "Waar zit je bedrijf?")),
    ("we zitten in Emmen", ("Ik noteer: gemeente Emmen (Drenthe).", "Met hoeveel mensen")),
    ("12", ("Ik noteer: 12", "Jouw loket: Ik Ben Drents Ondernemer (IBDO)")),
]
"""One whole conversation: each message, and what the reply must say (case-insensitive)."""


def test_one_conversation_alternating_between_two_processes_ends_with_the_right_slots(stack: Stack) -> None:
    sender = f"e2e-prod-{uuid.uuid4().hex}"
    for turn, (message, expected) in enumerate(CONVERSATION):
        reply = texts(stack.say(turn % 2, sender, message)).lower()
        missing = [e for e in expected if e.lower() not in reply]
        assert not missing, f"turn {turn} ({message!r}) on process {turn % 2}: {missing} not in {reply!r}"

    tracker = stack.tracker(1, sender)
    assert tracker == stack.tracker(0, sender)  # both read the same conversation
    slots = tracker["slots"]
    assert {q.slot: slots[q.slot] for q in CONTENT.questions} == EXPECTED_SCAN_ANSWERS
    assert slots["fase"] == "starten"
    assert (slots["gemeente"], slots["provincie"], slots["aantal_medewerkers"], slots["loket"]) == (
        "Emmen", "Drenthe", 12, "ibdo",
    )  # fmt: skip
    user_events = [e for e in tracker["events"] if e["event"] == "user"]
    assert len(user_events) == len(CONVERSATION)

    # stored in PostgreSQL (the tracker database), not in a file of either process
    env = stack.env
    with psycopg2.connect(
        host=env["TRACKER_DB_HOST"], port=env["TRACKER_DB_PORT"], dbname=TRACKER_DB,
        user=env["TRACKER_DB_USER"], password=env["TRACKER_DB_PASSWORD"],
    ) as connection, connection.cursor() as cursor:  # fmt: skip
        cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'", (sender,))
        assert cursor.fetchone() == (len(CONVERSATION),)
    connection.close()
    # both processes hold a connection to the lock store's Redis database
    lock_db = int(env["REDIS_LOCK_DB"])
    clients = redis.Redis.from_url(stack.redis_url).client_list()
    assert sum(int(c["db"]) == lock_db for c in clients) >= 2


async def test_adviser_reply_posted_to_one_process_reaches_the_web_chat_on_the_other(stack: Stack) -> None:
    session_id = f"prod{uuid.uuid4().hex}"
    received: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    client = socketio.AsyncClient(reconnection=False)
    client.on("session_confirm", lambda data: received.put_nowait(("session_confirm", data)))
    client.on("bot_uttered", lambda data: received.put_nowait(("bot_uttered", data)))

    async def wait_for(event: str, check: Any = lambda data: True, timeout: float = 60) -> Any:
        async def next_match() -> Any:
            while True:
                name, data = await received.get()
                if name == event and check(data):
                    return data

        return await asyncio.wait_for(next_match(), timeout)

    # Long-polling: the client's websocket transport needs a newer aiohttp than Rasa 3.6 allows (3.9).
    await client.connect(stack.urls[0], socketio_path="socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        assert await wait_for("session_confirm") == session_id
        await client.emit("user_uttered", {"message": "hallo", "session_id": session_id})
        await wait_for("bot_uttered", lambda data: "digitale assistent" in data.get("text", ""))

        # What the console does for an adviser's reply; the call reaches the other process.
        text = f"Hoi, ik ben Sanne. ({uuid.uuid4().hex[:6]})"
        await asyncio.to_thread(
            rasa_trigger, stack.urls[1], stack.token, session_id, "adviseur_bericht",
            {"adviseur": "Sanne", "bericht": text},
        )  # fmt: skip
        message = await wait_for("bot_uttered", lambda data: data.get("text") == text, timeout=30)
        assert message == {"text": text, "metadata": {"adviseur": "Sanne"}}
    finally:
        # abort: a long-polling client would otherwise wait for its pending poll (up to the 25 s ping)
        eio = client.eio
        await eio.disconnect(abort=True)
        loops = [task for task in (eio.read_loop_task, eio.write_loop_task) if task is not None]
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
