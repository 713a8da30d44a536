"""Start the real action server and Rasa server on loopback for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "digiwijzer.tar.gz"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}; log:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not up after {timeout} s; log:\n{log.read_text()[-4000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class Bot:
    """A running Digiwijzer: REST channel and HTTP API."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token

    def say(self, sender: str, message: str) -> list[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def trigger(self, sender: str, intent: str, entities: dict | None = None) -> list[dict]:
        """What the console does: an external intent, answered on the latest output channel."""
        response = requests.post(
            f"{self.url}/conversations/{sender}/trigger_intent",
            params={"token": self.token, "output_channel": "latest"},
            json={"name": intent, "entities": entities or {}},
            timeout=60,
        )
        response.raise_for_status()
        return response.json().get("messages", [])

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()


class FakeConsole:
    """The hand-off service's API (DEVELOPERS.md) on loopback, recording what the action server sends."""

    TOKEN = "e2e-service-token-0123456789"

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict] = []
        self.messages: list[tuple[str, str]] = []
        self.deleted: list[str] = []
        console = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"{}")

            def do_POST(self) -> None:  # noqa: N802
                if self.headers.get("Authorization") != f"Bearer {FakeConsole.TOKEN}":
                    return self._answer(401, {"detail": "bad token"})
                body = self._body()
                if self.path == "/api/handoffs":
                    console.requests.append(body)
                    return self._answer(201, {"id": len(console.requests), "status": "aangevraagd",
                                              "beschikbaar": True, "reden": "open"})  # fmt: skip
                if self.path.endswith("/bericht"):
                    console.messages.append((self.path.split("/")[3], body["tekst"]))
                    return self._answer(202, {})
                return self._answer(404, {})

            def do_DELETE(self) -> None:  # noqa: N802
                console.deleted.append(self.path.split("/")[3])
                return self._answer(200, {"gewist": 1})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="session")
def console() -> Iterator[FakeConsole]:
    fake = FakeConsole()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="session")
def bot(tmp_path_factory, console) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/setup.sh (the test command does) first")
    tmp = tmp_path_factory.mktemp("e2e")
    action_port, rasa_port = free_port(), free_port()
    token = secrets.token_hex(16)  # hex: a token starting with "-" would be read as an option
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "CONSOLE_URL": console.url, "CONSOLE_SERVICE_TOKEN": FakeConsole.TOKEN}  # fmt: skip
    action_log, rasa_log = tmp / "actions.log", tmp / "rasa.log"
    actions = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        cwd=ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api", "--auth-token", token,
         "--interface", "127.0.0.1", "--port", str(rasa_port), "--endpoints", str(endpoints),
         "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={token}", rasa, rasa_log)
        yield Bot(f"http://127.0.0.1:{rasa_port}", token)
    finally:
        stop(rasa)
        stop(actions)
