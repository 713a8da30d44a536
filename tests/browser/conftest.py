"""Browser tests of the chat widget: real action server, Rasa server (our socket.io channel) and web/, in Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by scripts/chromium.sh), driven by Playwright without
`playwright install`. Without it the tests are skipped, unless CI is set: then a missing browser fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from tests.console_stack import start_console

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "digiwijzer.tar.gz"
VENV_BIN = Path(sys.executable).parent
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


class Servers:
    """The running bot (HTTP API with token) and the static web/ server."""

    def __init__(self, rasa_url: str, token: str, web_url: str, console_url: str) -> None:
        self.rasa_url = rasa_url
        self.token = token
        self.web_url = web_url
        self.console_url = console_url

    def trigger(self, sender: str, intent: str, entities: dict | None = None) -> dict:
        """What the adviser console does: an external intent, answered on the latest output channel."""
        response = requests.post(
            f"{self.rasa_url}/conversations/{sender}/trigger_intent",
            params={"token": self.token, "output_channel": "latest"},
            json={"name": intent, "entities": entities or {}},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        response.raise_for_status()
        return response.json()


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
    action_port, rasa_port, console_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)  # hex: a token starting with "-" would be read as an option
    console = start_console(
        tmp, console_port, f"http://127.0.0.1:{rasa_port}", token, [("sanne@kvk.example", "Sanne", "kvk")]
    )
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n",
        encoding="utf-8",
    )
    credentials = tmp / "credentials.yml"
    credentials.write_text(
        "rest:\n"
        "bot.channels.socketio.DigiwijzerSocketIOInput:\n"
        "  user_message_evt: user_uttered\n  bot_message_evt: bot_uttered\n  session_persistence: true\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "3",
           "CONSOLE_URL": console.url, "CONSOLE_SERVICE_TOKEN": console.service_token}  # fmt: skip
    action_log, rasa_log = tmp / "actions.log", tmp / "rasa.log"
    actions = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
        cwd=ROOT, env=env, stdout=action_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    rasa = subprocess.Popen(
        [str(VENV_BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api", "--auth-token", token,
         "--interface", "127.0.0.1", "--port", str(rasa_port), "--endpoints", str(endpoints), "--cors", "*",
         "--credentials", str(credentials)],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(WEB)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        wait_until_up(f"{console.url}/login", console.proc, console.log)
        wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, action_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/status?token={token}", rasa, rasa_log)
        yield Servers(f"http://127.0.0.1:{rasa_port}", token, f"http://127.0.0.1:{web.server_address[1]}", console.url)
    finally:
        web.shutdown()
        stop(rasa)
        stop(actions)
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
