"""Client for the hand-off service (console/), used by the action server.

Settings come from the environment: `CONSOLE_URL` (e.g. http://127.0.0.1:8090) and
`CONSOLE_SERVICE_TOKEN`. Both unset means hand-off is not configured: the bot then
says so honestly and gives the loket's website. One set without the other, or a
placeholder token, is a configuration error raised at action-server start.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Mapping

import aiohttp

logger = logging.getLogger(__name__)

PLACEHOLDERS = frozenset({"changeme", "changethis", "secret", "token", "test", "placeholder", "xxx"})
TIMEOUT = aiohttp.ClientTimeout(total=5)


class HandoffConfigError(RuntimeError):
    """The hand-off settings in the environment are wrong; the message names the variable."""


class HandoffServiceError(RuntimeError):
    """The hand-off service could not be reached or refused the request."""


@dataclass(frozen=True)
class ServiceSettings:
    """Where the hand-off service is and the token the action server uses."""

    url: str
    token: str


@dataclass(frozen=True)
class Request:
    """The service's answer to a new hand-off request."""

    id: int
    status: str
    beschikbaar: bool
    reden: str


def settings_from_env(env: Mapping[str, str] | None = None) -> ServiceSettings | None:
    """The settings, None when hand-off is not configured.

    Raises:
        HandoffConfigError: when only one variable is set or the token is a placeholder.
    """
    env = os.environ if env is None else env
    url, token = env.get("CONSOLE_URL", "").strip(), env.get("CONSOLE_SERVICE_TOKEN", "").strip()
    if not url and not token:
        return None
    if not url:
        raise HandoffConfigError("CONSOLE_SERVICE_TOKEN is set but CONSOLE_URL is not: set both or neither")
    if not url.startswith(("http://", "https://")):
        raise HandoffConfigError(f"CONSOLE_URL must start with http:// or https:// (got {url!r})")
    if not token:
        raise HandoffConfigError("CONSOLE_URL is set but CONSOLE_SERVICE_TOKEN is not: set both or neither")
    if token.lower() in PLACEHOLDERS or len(token) < 16:
        raise HandoffConfigError("CONSOLE_SERVICE_TOKEN is a placeholder or shorter than 16 characters")
    return ServiceSettings(url.rstrip("/"), token)


class HandoffService:
    """Calls the hand-off service's HTTP API (see DEVELOPERS.md)."""

    def __init__(self, settings: ServiceSettings) -> None:
        """Creates a client for the service at `settings.url`."""
        self.settings = settings

    async def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.settings.token}"}
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                async with session.request(method, self.settings.url + path, json=body, headers=headers) as response:
                    if response.status == 404:
                        return None
                    if response.status >= 400:
                        detail = await response.text()
                        raise HandoffServiceError(f"{method} {path} answered {response.status}: {detail[:300]}")
                    return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise HandoffServiceError(f"{method} {path} failed: {error}") from error

    async def request(self, body: Mapping[str, Any]) -> Request:
        """Creates the hand-off (or returns the conversation's open one)."""
        answer = await self._call("POST", "/api/handoffs", body)
        if not isinstance(answer, dict):
            raise HandoffServiceError("POST /api/handoffs gave no hand-off")
        return Request(int(answer["id"]), str(answer["status"]), bool(answer["beschikbaar"]), str(answer["reden"]))

    async def forward(self, handoff_id: int, text: str, time: float) -> None:
        """Passes a message the entrepreneur wrote to the adviser, live."""
        await self._call("POST", f"/api/handoffs/{handoff_id}/bericht", {"tekst": text, "tijd": time})

    async def delete_personal_data(self, conversation_id: str) -> int:
        """Clears the personal data of every hand-off of the conversation; how many hand-offs it touched."""
        answer = await self._call("DELETE", f"/api/conversations/{conversation_id}/persoonsgegevens")
        return int(answer.get("gewist", 0)) if isinstance(answer, dict) else 0


def get_service() -> HandoffService | None:
    """The configured service, or None when hand-off is not configured."""
    settings = settings_from_env()
    return HandoffService(settings) if settings else None
