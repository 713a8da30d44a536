"""Typed settings read from the environment; start-up fails with a message naming the variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .availability import OfficeHours, OfficeHoursError

CONSOLE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = CONSOLE_DIR.parent
PLACEHOLDERS = {
    "changeme",
    "change-me",
    "change_me",
    "changethis",
    "change-this",
    "change_this",
    "secret",
    "password",
    "wachtwoord",
    "geheim",
    "todo",
    "xxx",
    "test",
    "default",
}
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names the environment variable."""


@dataclass(frozen=True)
class Settings:
    """All settings of the console, validated."""

    database_url: str
    secret_key: str
    service_token: str
    rasa_url: str
    rasa_auth_token: str
    host: str
    port: int
    cookie_secure: bool
    kantooruren: OfficeHours
    claim_timeout_minuten: int
    bewaartermijn_dagen: int
    zelfscan_file: Path
    lokets_file: Path
    snelle_antwoorden_file: Path
    public_url: str
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings.

        Args:
            env: the environment; ``os.environ`` when None.

        Returns:
            The validated settings.

        Raises:
            SettingsError: naming the first variable that is missing or invalid.
        """
        e = os.environ if env is None else env

        def get(name: str, default: str | None = None) -> str | None:
            value = e.get(name)
            if value is None or value.strip() == "":
                return default
            return value.strip()

        host = get("CONSOLE_HOST", "127.0.0.1") or "127.0.0.1"
        port = _int(get("CONSOLE_PORT", "8090"), "CONSOLE_PORT", 1, 65535)
        hours_text = get("KANTOORUREN", "ma-vr 09:00-17:00") or ""
        try:
            hours = OfficeHours.parse(hours_text)
        except OfficeHoursError as exc:
            raise SettingsError(f"KANTOORUREN: {exc}") from exc
        smtp_host = get("SMTP_HOST")
        smtp_from = get("SMTP_FROM")
        if smtp_host and not smtp_from:
            raise SettingsError("SMTP_FROM: required when SMTP_HOST is set")
        rasa_url = (get("RASA_URL", "http://127.0.0.1:5005") or "").rstrip("/")
        if not rasa_url.startswith(("http://", "https://")):
            raise SettingsError("RASA_URL: must start with http:// or https://")
        return cls(
            database_url=get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'console.db'}") or "",
            secret_key=_secret(get("CONSOLE_SECRET_KEY"), "CONSOLE_SECRET_KEY"),
            service_token=_secret(get("CONSOLE_SERVICE_TOKEN"), "CONSOLE_SERVICE_TOKEN"),
            rasa_url=rasa_url,
            rasa_auth_token=_required(get("RASA_AUTH_TOKEN"), "RASA_AUTH_TOKEN"),
            host=host,
            port=port,
            cookie_secure=_bool(get("CONSOLE_COOKIE_SECURE", "true"), "CONSOLE_COOKIE_SECURE"),
            kantooruren=hours,
            claim_timeout_minuten=_int(
                get("CLAIM_TIMEOUT_MINUTEN", "10"), "CLAIM_TIMEOUT_MINUTEN", 1, 24 * 60
            ),
            bewaartermijn_dagen=_int(
                get("BEWAARTERMIJN_DAGEN", "30"), "BEWAARTERMIJN_DAGEN", 1, 3650
            ),
            zelfscan_file=_path(
                get("ZELFSCAN_FILE"), REPO_ROOT / "bot/scan/zelfscan.yml", "ZELFSCAN_FILE"
            ),
            lokets_file=_path(
                get("LOKETS_FILE"), REPO_ROOT / "bot/loket/lokets.yml", "LOKETS_FILE"
            ),
            snelle_antwoorden_file=_path(
                get("SNELLE_ANTWOORDEN_FILE"),
                CONSOLE_DIR / "snelle_antwoorden.yml",
                "SNELLE_ANTWOORDEN_FILE",
            ),
            public_url=(get("CONSOLE_PUBLIC_URL") or f"http://{host}:{port}").rstrip("/"),
            smtp_host=smtp_host,
            smtp_port=_int(get("SMTP_PORT", "25"), "SMTP_PORT", 1, 65535),
            smtp_from=smtp_from,
            smtp_user=get("SMTP_USER"),
            smtp_password=get("SMTP_PASSWORD"),
        )


def _required(value: str | None, name: str) -> str:
    if not value:
        raise SettingsError(f"{name}: required, but not set")
    return value


def _secret(value: str | None, name: str) -> str:
    value = _required(value, name)
    if value.lower() in PLACEHOLDERS or any(p in value.lower() for p in ("changeme", "changethis")):
        raise SettingsError(f"{name}: looks like a placeholder; set a random value")
    if len(value) < MIN_SECRET_LENGTH:
        raise SettingsError(f"{name}: must be at least {MIN_SECRET_LENGTH} characters")
    if len(set(value)) < 8:
        raise SettingsError(f"{name}: too few distinct characters; set a random value")
    return value


def _int(value: str | None, name: str, low: int, high: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}: must be between {low} and {high}, got {number}")
    return number


def _bool(value: str | None, name: str) -> bool:
    text = (value or "").lower()
    if text in {"1", "true", "yes", "ja", "on"}:
        return True
    if text in {"0", "false", "no", "nee", "off"}:
        return False
    raise SettingsError(f"{name}: expected true or false, got {value!r}")


def _path(value: str | None, default: Path, name: str) -> Path:
    path = Path(value) if value else default
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file():
        raise SettingsError(f"{name}: file not found: {path}")
    return path
