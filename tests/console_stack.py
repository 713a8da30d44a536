"""Start the real hand-off console (console/, its own Python 3.11 venv) for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSOLE_PY = ROOT / "console" / ".venv" / "bin" / "python"
PASSWORD = "een-lang-wachtwoord-42"


@dataclass
class Console:
    """A console process and how to reach it."""

    proc: subprocess.Popen
    url: str
    service_token: str
    env: dict[str, str]
    log: Path


def console_env(tmp: Path, port: int, rasa_url: str, rasa_token: str) -> dict[str, str]:
    """Settings for a console with its own SQLite file, open every hour of the week."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'console.db'}",
        "CONSOLE_SECRET_KEY": secrets.token_hex(32),
        "CONSOLE_SERVICE_TOKEN": secrets.token_hex(32),
        "RASA_URL": rasa_url,
        "RASA_AUTH_TOKEN": rasa_token,
        "CONSOLE_HOST": "127.0.0.1",
        "CONSOLE_PORT": str(port),
        "CONSOLE_COOKIE_SECURE": "false",
        "KANTOORUREN": "ma-zo 00:00-24:00",
    }
    env.pop("PYTHONPATH", None)
    return env


def add_adviser(env: dict[str, str], email: str, naam: str, *lokets: str) -> None:
    """Creates an adviser account (password PASSWORD) with the console's own command."""
    args = [str(CONSOLE_PY), "-m", "digiconsole", "adviseur-toevoegen", "--email", email, "--naam", naam]
    for loket in lokets:
        args += ["--loket", loket]
    subprocess.run(
        args, cwd=ROOT / "console", env={**env, "ADVISEUR_WACHTWOORD": PASSWORD}, check=True, capture_output=True
    )


def start_console(
    tmp: Path, port: int, rasa_url: str, rasa_token: str, advisers: list[tuple[str, str, str]]
) -> Console:
    """Migrates, adds (email, first name, loket) advisers and starts `digiconsole serve`."""
    env = console_env(tmp, port, rasa_url, rasa_token)
    subprocess.run([str(CONSOLE_PY), "-m", "digiconsole", "migrate"], cwd=ROOT / "console", env=env, check=True,
                   capture_output=True)  # fmt: skip
    for email, naam, loket in advisers:
        add_adviser(env, email, naam, loket)
    log = tmp / "console.log"
    proc = subprocess.Popen(
        [str(CONSOLE_PY), "-m", "digiconsole", "serve"], cwd=ROOT / "console", env=env,
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return Console(proc, f"http://127.0.0.1:{port}", env["CONSOLE_SERVICE_TOKEN"], env, log)
