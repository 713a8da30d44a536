"""Browser tests of the chat widget: real action server, Rasa server (our socket.io channel) and web/, in Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by scripts/chromium.sh), driven by Playwright without
`playwright install`. Without it the tests are skipped, unless CI is set: then a missing browser fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import secrets
import socket
import subprocess
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.console_stack import start_console
from tests.servers import MODEL, ROOT, free_port, rasa_tracker, rasa_trigger, start_bot, stop, wait_until_up

WEB = ROOT / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


def _browser_missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure: run scripts/chromium.sh first)")
    pytest.skip(f"{reason}: browser tests skipped (install it with scripts/chromium.sh)")


class Servers:
    """The running bot (HTTP API with token) and the static web/ server."""

    def __init__(self, rasa_url: str, token: str, web_url: str, console_url: str) -> None:
        self.rasa_url = rasa_url
        self.token = token
        self.web_url = web_url
        self.console_url = console_url

    def trigger(self, sender: str, intent: str, entities: dict | None = None) -> dict:
        """What the adviser console does: an external intent, answered on the latest output channel."""
        return rasa_trigger(self.rasa_url, self.token, sender, intent, entities)

    def tracker(self, sender: str) -> dict:
        return rasa_tracker(self.rasa_url, self.token, sender)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="package")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/setup.sh (the test command does) first")
    if not (WEB / "vendor" / "socket.io.min.js").exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "web_setup.sh")], check=True)
    tmp = tmp_path_factory.mktemp("browser")
    rasa_port, token = free_port(), secrets.token_hex(16)
    console = start_console(
        tmp, free_port(), f"http://127.0.0.1:{rasa_port}", token, [("sanne@kvk.example", "Sanne", "kvk")]
    )
    credentials = tmp / "credentials.yml"
    credentials.write_text(
        "rest:\n"
        "bot.channels.socketio.DigiwijzerSocketIOInput:\n"
        "  user_message_evt: user_uttered\n  bot_message_evt: bot_uttered\n  session_persistence: true\n",
        encoding="utf-8",
    )
    env = {"CONSOLE_URL": console.url, "CONSOLE_SERVICE_TOKEN": console.service_token}
    running = start_bot(tmp, env=env, credentials=credentials, rasa_port=rasa_port, token=token)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(WEB)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        wait_until_up(f"{console.url}/login", console.proc, console.log)
        running.wait()
        yield Servers(running.url, token, f"http://127.0.0.1:{web.server_address[1]}", console.url)
    finally:
        web.shutdown()
        running.stop()
        stop(console.proc)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    # Package scope, not session: Playwright's sync API keeps an event loop running while it is open,
    # which would stop the async tests collected after this package (pytest-asyncio) from running.
    if not CHROMIUM.exists():
        _browser_missing(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("the playwright package is not installed in this venv (requirements-dev.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any, servers: Servers) -> Iterator[Any]:
    """A function that opens the demo page in a fresh browser context (own storage), widget pointed at our Rasa.

    Its keyword `server` points the widget elsewhere (a proxy); other keywords go to `browser.new_context`.
    """
    contexts: list[Any] = []
    errors: list[str] = []

    def _open(server: str | None = None, **context_options: Any) -> Any:
        context = browser.new_context(locale="nl-NL", **context_options)
        context.set_default_timeout(30_000)
        context.add_init_script(f"window.DigiwijzerConfig = {{server: {(server or servers.rasa_url)!r}}};")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{servers.web_url}/index.html")
        return page

    yield _open
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


class DroppableProxy:
    """A TCP proxy to the Rasa server whose connections can be dropped (and refused) to test reconnecting."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.up = True
        self.connections: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.close()
                except OSError:
                    pass

    def drop(self) -> None:
        """Close every open connection and refuse new ones until `restore`."""
        self.up = False
        for sock in self.connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        self.connections.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.drop()
        self.listener.close()


@pytest.fixture
def proxy(servers: Servers) -> Iterator[DroppableProxy]:
    port = int(servers.rasa_url.rsplit(":", 1)[1])
    proxy = DroppableProxy(port)
    yield proxy
    proxy.close()
