"""A fake Meta Graph API on loopback: records every message the bot sends and can be told to fail."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Sent:
    """One POST the fake received."""

    path: str
    authorization: str | None
    body: dict[str, Any]

    @property
    def to(self) -> str:
        return str(self.body.get("to", ""))

    @property
    def text(self) -> str:
        """The visible text: a text body, or an interactive message's body."""
        if self.body.get("type") == "text":
            return str(self.body["text"]["body"])
        if self.body.get("type") == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        return ""

    @property
    def rows(self) -> list[dict[str, str]]:
        interactive = self.body.get("interactive") or {}
        if interactive.get("type") != "list":
            return []
        return [row for section in interactive["action"]["sections"] for row in section["rows"]]


class FakeGraphApi:
    """``POST /{version}/{phone_number_id}/messages`` on 127.0.0.1, answering like Meta.

    Attributes:
        sent: Every POST, in order of arrival.
        failure: When set, ``(status, body)`` is the answer to every POST (still recorded).
    """

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.failure: tuple[int, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.sent.append(Sent(self.path, self.headers.get("Authorization"), body))
                    failure = fake.failure
                status, answer = failure or (200, {"messaging_product": "whatsapp",
                                                   "messages": [{"id": f"wamid.fake{len(fake.sent)}"}]})  # fmt: skip
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def fail(self, status: int = 400, code: int = 131047, message: str = "Re-engagement message") -> None:
        """Answer every following POST with a Graph API error."""
        self.failure = (status, {"error": {"message": message, "type": "OAuthException", "code": code}})

    def succeed(self) -> None:
        """Answer every following POST with success again."""
        self.failure = None

    def to(self, recipient: str) -> list[Sent]:
        """What was sent to one user, in order."""
        with self._lock:
            return [s for s in self.sent if s.to == recipient]

    def wait_for(self, recipient: str, predicate: Callable[[Sent], bool], after: int = 0, timeout: float = 60) -> Sent:
        """Wait until a message to ``recipient`` (from index ``after`` on) satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.to(recipient)[after:]:
                if predicate(message):
                    return message
            time.sleep(0.1)
        texts = [m.text for m in self.to(recipient)[after:]]
        raise AssertionError(f"nothing matching sent to {recipient} within {timeout} s; sent: {texts}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PHONE_NUMBER_ID = "106540352242922"


def delivery(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None,
             phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:  # fmt: skip
    """A webhook body as Meta sends it, with the given messages (and/or status updates)."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31612345678", "phone_number_id": phone_number_id},
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Anna de Vries"}, "wa_id": messages[0]["from"]}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA_ID", "changes": [{"value": value, "field": "messages"}]}]}  # fmt: skip


def message(sender: str, message_id: str, kind: str = "text", **content: Any) -> dict[str, Any]:
    """One incoming message: ``message("316…", "wamid.1", text={"body": "hallo"})``."""
    return {"from": sender, "id": message_id, "timestamp": str(int(time.time())), "type": kind, **content}


def text(sender: str, message_id: str, body: str) -> dict[str, Any]:
    return message(sender, message_id, text={"body": body})


def list_reply(sender: str, message_id: str, row: dict[str, str]) -> dict[str, Any]:
    reply = {"type": "list_reply", "list_reply": {"id": row["id"], "title": row["title"]}}
    return message(sender, message_id, "interactive", interactive=reply)


def button_reply(sender: str, message_id: str, payload: str, title: str) -> dict[str, Any]:
    reply = {"type": "button_reply", "button_reply": {"id": payload, "title": title}}
    return message(sender, message_id, "interactive", interactive=reply)


def status(recipient: str, message_id: str = "wamid.status") -> dict[str, Any]:
    return {"id": message_id, "status": "delivered", "timestamp": str(int(time.time())), "recipient_id": recipient}
