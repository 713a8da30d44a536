"""Settings from the environment: defaults and refusals naming the variable."""

from __future__ import annotations

import pytest

from digiconsole.settings import REPO_ROOT, Settings, SettingsError

GOOD = {
    "CONSOLE_SECRET_KEY": "s" + "Zq8vN3kP1xR7tB5y" * 2,
    "CONSOLE_SERVICE_TOKEN": "t" + "Hw4mC9jD2fL6gQ0e" * 2,
    "RASA_AUTH_TOKEN": "rasa-token",
}


def test_defaults() -> None:
    s = Settings.from_env(GOOD)
    assert s.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'console.db'}"
    assert s.rasa_url == "http://127.0.0.1:5005"
    assert (s.host, s.port) == ("127.0.0.1", 8090)
    assert s.cookie_secure is True
    assert s.kantooruren.text == "ma-vr 09:00-17:00"
    assert s.claim_timeout_minuten == 10
    assert s.bewaartermijn_dagen == 30
    assert s.zelfscan_file == REPO_ROOT / "bot/scan/zelfscan.yml"
    assert s.lokets_file == REPO_ROOT / "bot/loket/lokets.yml"
    assert s.snelle_antwoorden_file.name == "snelle_antwoorden.yml"
    assert s.smtp_host is None


@pytest.mark.parametrize("name", ["CONSOLE_SECRET_KEY", "CONSOLE_SERVICE_TOKEN", "RASA_AUTH_TOKEN"])
def test_required(name: str) -> None:
    env = {k: v for k, v in GOOD.items() if k != name}
    with pytest.raises(SettingsError, match=f"^{name}: required"):
        Settings.from_env(env)
    with pytest.raises(SettingsError, match=f"^{name}:"):
        Settings.from_env({**env, name: "   "})


@pytest.mark.parametrize("name", ["CONSOLE_SECRET_KEY", "CONSOLE_SERVICE_TOKEN"])
@pytest.mark.parametrize(
    "value",
    [
        "changeme",
        "changethis",
        "secret",
        "CHANGEME",
        "changeme-changeme-changeme-changeme-1",
        "short-but-random-9f8e",
        "a" * 40,
        "abababababababababababababababababab",
    ],
)
def test_weak_secrets_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}:"):
        Settings.from_env({**GOOD, name: value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KANTOORUREN", "maandag 9-5"),
        ("KANTOORUREN", "ma-vr 17:00-09:00"),
        ("KANTOORUREN", "ma-vr 09:00-25:00"),
        ("KANTOORUREN", "vr-ma 09:00-17:00"),
        ("KANTOORUREN", "ma-vr 09:00-17:00;"),
        ("CONSOLE_PORT", "http"),
        ("CONSOLE_PORT", "70000"),
        ("CLAIM_TIMEOUT_MINUTEN", "0"),
        ("BEWAARTERMIJN_DAGEN", "dertig"),
        ("CONSOLE_COOKIE_SECURE", "misschien"),
        ("RASA_URL", "ftp://rasa"),
        ("ZELFSCAN_FILE", "/nergens/zelfscan.yml"),
        ("LOKETS_FILE", "nergens.yml"),
        ("SMTP_PORT", "0"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}:"):
        Settings.from_env({**GOOD, name: value})


def test_values_are_read() -> None:
    s = Settings.from_env(
        {
            **GOOD,
            "DATABASE_URL": "postgresql+psycopg://u:p@127.0.0.1:5432/db",
            "CONSOLE_COOKIE_SECURE": "false",
            "KANTOORUREN": "ma-do 08:30-17:00; vr 08:30-12:00",
            "CLAIM_TIMEOUT_MINUTEN": "5",
            "RASA_URL": "http://rasa:5005/",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": "2525",
            "SMTP_FROM": "console@example.nl",
        }
    )
    assert s.database_url.startswith("postgresql+psycopg://")
    assert s.cookie_secure is False
    assert len(s.kantooruren.blocks) == 5
    assert s.claim_timeout_minuten == 5
    assert s.rasa_url == "http://rasa:5005"
    assert (s.smtp_host, s.smtp_port, s.smtp_from) == ("127.0.0.1", 2525, "console@example.nl")


def test_smtp_host_needs_a_sender() -> None:
    with pytest.raises(SettingsError, match=r"^SMTP_FROM: required when SMTP_HOST is set"):
        Settings.from_env({**GOOD, "SMTP_HOST": "mail.example"})
