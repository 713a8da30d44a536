"""Command line: adviseur-toevoegen, purge, migrate (in-process and as a real process)."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from digiconsole.cli import main
from digiconsole.db import Database
from digiconsole.models import Adviseur, utcnow
from digiconsole.settings import CONSOLE_DIR

from .conftest import add_handoff, base_env, get_handoff


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = base_env(db_url, "http://127.0.0.1:1")
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ADVISEUR_WACHTWOORD", "een goed wachtwoord")
    return values


def test_adviseur_toevoegen(
    env: dict[str, str], db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "adviseur-toevoegen",
            "--email",
            "anouk@ibdo.nl",
            "--naam",
            "Anouk",
            "--loket",
            "ibdo",
            "--loket",
            "kvk",
        ]
    )
    assert code == 0
    assert "anouk@ibdo.nl" in capsys.readouterr().out
    with db.session() as session:
        adviseur = session.scalar(select(Adviseur))
        assert adviseur is not None
        assert (adviseur.naam, adviseur.is_admin, adviseur.loket_ids) == (
            "Anouk",
            False,
            {"ibdo", "kvk"},
        )
        assert adviseur.password_hash.startswith("$argon2id$")
    # Duplicate e-mail (any case) is refused.
    assert (
        main(["adviseur-toevoegen", "--email", "ANOUK@ibdo.nl", "--naam", "A", "--loket", "ibdo"])
        == 2
    )


def test_unknown_loket_is_named(
    env: dict[str, str], db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "adviseur-toevoegen",
            "--email",
            "x@y.nl",
            "--naam",
            "X",
            "--loket",
            "ibdo",
            "--loket",
            "atlantis",
            "--loket",
            "mordor",
        ]
    )
    assert code == 2
    assert "atlantis, mordor" in capsys.readouterr().err
    with db.session() as session:
        assert session.scalar(select(Adviseur)) is None


def test_short_password_is_refused(
    env: dict[str, str],
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ADVISEUR_WACHTWOORD", "kort")
    assert main(["adviseur-toevoegen", "--email", "x@y.nl", "--naam", "X", "--admin"]) == 2
    assert "12" in capsys.readouterr().err


def test_purge_command(
    env: dict[str, str], db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    now = utcnow()
    old = add_handoff(
        db,
        status="afgerond",
        afsluiting="gebruiker",
        closed_at=now - timedelta(days=45),
        toestemming=True,
        naam="Anna",
    )
    recent = add_handoff(db, toestemming=True, naam="Bert")
    assert main(["purge"]) == 0
    assert capsys.readouterr().out.startswith("1 hand-off(s) cleared")
    assert get_handoff(db, old).naam is None
    assert get_handoff(db, recent).naam == "Bert"


def test_configuration_errors_are_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONSOLE_SECRET_KEY", "changeme")
    monkeypatch.setenv("CONSOLE_SERVICE_TOKEN", "x" * 40)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "t")
    assert main(["migrate"]) == 2
    assert "CONSOLE_SECRET_KEY" in capsys.readouterr().err


def test_as_a_process(env: dict[str, str], empty_db_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "digiconsole", "migrate"],
        cwd=CONSOLE_DIR,
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
