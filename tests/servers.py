"""Start the real action server and Rasa server on loopback for tests that need them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
MODEL = Path(os.environ.get("DIGIWIJZER_MODEL") or ROOT / "models" / "digiwijzer.tar.gz")  # override: try another model
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
        try:  # a timeout is retried too: with several Sanic workers the port accepts before anyone answers
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
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


@dataclass
class RunningBot:
    """An action server and a Rasa server (HTTP API with `token`) started by `start_bot`."""

    actions: subprocess.Popen
    rasa: subprocess.Popen
    url: str
    token: str
    action_url: str
    logs: dict[str, Path]

    def wait(self) -> None:
        """Blocks until both answer (the model takes a while to load)."""
        wait_until_up(f"{self.action_url}/health", self.actions, self.logs["actions"])
        wait_until_up(f"{self.url}/status?token={self.token}", self.rasa, self.logs["rasa"])

    def stop(self) -> None:
        stop(self.rasa)
        stop(self.actions)


def start_bot(
    tmp: Path, *, env: dict[str, str] | None = None, credentials: Path | None = None, rasa_port: int | None = None,
    token: str | None = None,
) -> RunningBot:  # fmt: skip
    """Starts both servers with their own SQLite tracker store in `tmp`; call `wait()` before use."""
    import secrets

    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run scripts/setup.sh (the test command does) first")
    action_port, rasa_port = free_port(), rasa_port or free_port()
    token = token or secrets.token_hex(16)  # hex: a token starting with "-" would be read as an option
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n",
        encoding="utf-8",
    )
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "3",
                **(env or {})}  # fmt: skip
    logs = {"actions": tmp / "actions.log", "rasa": tmp / "rasa.log"}
    actions = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "bot.serve", "actions", "--actions", "actions", "--port", str(action_port)],
        cwd=ROOT, env=full_env, stdout=logs["actions"].open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    rasa = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "bot.serve", "rasa", "run", "--model", str(MODEL), "--enable-api",
         f"--auth-token={token}", "--interface", "127.0.0.1", "--port", str(rasa_port), "--endpoints", str(endpoints),
         "--cors", "*", "--credentials", str(credentials or ROOT / "credentials.yml")],
        cwd=ROOT, env=full_env, stdout=logs["rasa"].open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return RunningBot(actions, rasa, f"http://127.0.0.1:{rasa_port}", token, f"http://127.0.0.1:{action_port}", logs)


def rasa_tracker(url: str, token: str, sender: str) -> dict:
    """A conversation's tracker from Rasa's HTTP API (`GET /conversations/<sender>/tracker`)."""
    answer = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    answer.raise_for_status()
    return dict(answer.json())


def rasa_trigger(url: str, token: str, sender: str, intent: str, entities: dict | None = None) -> dict:
    """What the adviser console does: an external intent, answered on the conversation's latest channel."""
    answer = requests.post(
        f"{url}/conversations/{sender}/trigger_intent",
        params={"token": token, "output_channel": "latest"},
        json={"name": intent, "entities": entities or {}},
        timeout=90,
    )
    answer.raise_for_status()
    return dict(answer.json())


async def serve_app(app: Any) -> tuple[Any, str]:
    """Starts an aiohttp application on a free loopback port.

    Returns:
        Its runner (stop it with `await runner.cleanup()`) and its base URL.
    """
    from aiohttp import web

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
