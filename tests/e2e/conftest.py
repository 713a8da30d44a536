"""Start the real action server and Rasa server on loopback for end-to-end tests."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

from tests.servers import MODEL, ROOT, VENV_BIN, free_port, rasa_tracker, rasa_trigger, start_bot, stop, wait_until_up

__all__ = ["MODEL", "ROOT", "VENV_BIN", "free_port", "stop", "wait_until_up"]


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
        return list(rasa_trigger(self.url, self.token, sender, intent, entities).get("messages", []))

    def tracker(self, sender: str) -> dict:
        return rasa_tracker(self.url, self.token, sender)


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
    env = {"CONSOLE_URL": console.url, "CONSOLE_SERVICE_TOKEN": FakeConsole.TOKEN}
    running = start_bot(tmp_path_factory.mktemp("e2e"), env=env)
    try:
        running.wait()
        yield Bot(running.url, running.token)
    finally:
        running.stop()
