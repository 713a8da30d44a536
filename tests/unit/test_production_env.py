"""The production profile's settings (scripts/production_env.sh, sourced by scripts/run.sh)."""

from __future__ import annotations

import os

import pytest

from tests.production_stack import production_env

SECRET = "k3Jd9sLq0PzX7vNw2RtY5uMb8CeGhAf1"
SETTINGS = {
    "RASA_AUTH_TOKEN": "0123456789abcdef",
    "CONSOLE_SECRET_KEY": SECRET,
    "CONSOLE_SERVICE_TOKEN": SECRET[::-1],
    "TRACKER_DB_HOST": "db.internal",
    "TRACKER_DB_NAME": "digiwijzer_tracker",
    "TRACKER_DB_USER": "digiwijzer",
    "TRACKER_DB_PASSWORD": "pg-pass",
    "REDIS_HOST": "redis.internal",
    "REDIS_PASSWORD": "p@ss/word:1",
    "DATABASE_URL": "postgresql+psycopg://console:pw@db.internal:5432/console",
}
VARIABLES = [
    "RASA_AUTH_TOKEN", "CONSOLE_SECRET_KEY", "CONSOLE_SERVICE_TOKEN", "TRACKER_DB_HOST", "TRACKER_DB_PORT",
    "TRACKER_DB_NAME", "TRACKER_DB_USER", "TRACKER_DB_PASSWORD", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD",
    "REDIS_LOCK_DB", "REDIS_KEY_PREFIX", "RASA_WORKERS", "ACTION_WORKERS", "DATABASE_URL", "SOCKETIO_REDIS_URL",
    "DEDUPE_REDIS_URL", "CONSOLE_COOKIE_SECURE",
]  # fmt: skip


@pytest.fixture
def base() -> dict[str, str]:
    """The test runner's environment without any of the profile's variables."""
    return {key: value for key, value in os.environ.items() if key not in VARIABLES}


def test_defaults_and_derived_urls(base: dict[str, str]) -> None:
    env = production_env(SETTINGS, base)
    assert {k: env[k] for k in ("TRACKER_DB_PORT", "REDIS_PORT", "REDIS_LOCK_DB", "REDIS_KEY_PREFIX")} == {
        "TRACKER_DB_PORT": "5432", "REDIS_PORT": "6379", "REDIS_LOCK_DB": "1", "REDIS_KEY_PREFIX": "digiwijzer",
    }  # fmt: skip
    assert (env["RASA_WORKERS"], env["ACTION_WORKERS"], env["CONSOLE_COOKIE_SECURE"]) == ("2", "2", "true")
    # the password is URL-quoted in the derived URLs
    expected = "redis://:p%40ss%2Fword%3A1@redis.internal:6379/0"
    assert env["SOCKETIO_REDIS_URL"] == expected and env["DEDUPE_REDIS_URL"] == expected
    # run.sh turns the WhatsApp channel on when any WHATSAPP_* variable is set: the profile sets none
    assert not [key for key in env if key.startswith("WHATSAPP_")]


def test_given_values_win(base: dict[str, str]) -> None:
    given = {"REDIS_PORT": "7000", "RASA_WORKERS": "4", "SOCKETIO_REDIS_URL": "rediss://other:6380/0"}
    env = production_env({**SETTINGS, **given}, base)
    assert (env["REDIS_PORT"], env["RASA_WORKERS"], env["SOCKETIO_REDIS_URL"]) == ("7000", "4", "rediss://other:6380/0")
    assert env["DEDUPE_REDIS_URL"] == "redis://:p%40ss%2Fword%3A1@redis.internal:7000/0"


@pytest.mark.parametrize("missing", sorted(SETTINGS))
def test_a_missing_variable_stops_the_start_naming_it(base: dict[str, str], missing: str) -> None:
    settings = {k: v for k, v in SETTINGS.items() if k != missing}
    with pytest.raises(RuntimeError, match=rf"production profile: {missing} is not set"):
        production_env(settings, base)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RASA_WORKERS", "0", "RASA_WORKERS must be a whole number >= 1"),
        ("ACTION_WORKERS", "twee", "ACTION_WORKERS must be a whole number >= 1"),
        ("REDIS_PORT", "6379x", "REDIS_PORT must be a whole number"),
        ("REDIS_KEY_PREFIX", "digi:wijzer", "REDIS_KEY_PREFIX must be letters and digits only"),
        ("DATABASE_URL", "sqlite:///var/console.db", "DATABASE_URL .* must be a postgresql"),
    ],
)
def test_bad_values_are_refused(base: dict[str, str], name: str, value: str, message: str) -> None:
    with pytest.raises(RuntimeError, match=message):
        production_env({**SETTINGS, name: value}, base)
