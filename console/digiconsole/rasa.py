"""Client of the Rasa HTTP API: the transcript of a conversation and external intents."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)


class RasaError(Exception):
    """Rasa could not be reached or refused the call."""


@dataclass(frozen=True)
class Regel:
    """One line of the transcript.

    Attributes:
        tijd: when it was said (aware UTC).
        wie: ``ondernemer``, ``bot`` or ``adviseur``.
        tekst: the text.
        naam: the adviser's name for ``adviseur`` lines.
    """

    tijd: datetime
    wie: str
    tekst: str
    naam: str | None = None


def _adviseur(event: dict[str, Any]) -> str | None:
    for source in (event.get("metadata"), (event.get("data") or {}).get("custom")):
        if isinstance(source, dict) and source.get("adviseur"):
            return str(source["adviseur"])
    return None


def parse_events(events: list[dict[str, Any]]) -> list[Regel]:
    """Turn tracker events into transcript lines (user and bot texts only).

    External user events (``metadata.is_external`` or text starting with ``EXTERNAL: ``)
    are hidden; a bot event with ``adviseur`` in its metadata (or in ``data.custom``) is
    the adviser's message.
    """
    lines: list[Regel] = []
    for event in events:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text.strip():
            continue
        stamp = event.get("timestamp")
        tijd = (
            datetime.fromtimestamp(float(stamp), UTC)
            if isinstance(stamp, int | float)
            else datetime.fromtimestamp(0, UTC)
        )
        metadata = event.get("metadata") or {}
        if kind == "user":
            if (isinstance(metadata, dict) and metadata.get("is_external")) or text.startswith(
                "EXTERNAL: "
            ):
                continue
            lines.append(Regel(tijd, "ondernemer", text))
        else:
            naam = _adviseur(event)
            lines.append(Regel(tijd, "adviseur" if naam else "bot", text, naam))
    return lines


class RasaClient:
    """Async client of one Rasa server."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Prepare a client; call :meth:`aclose` when done."""
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{tail}"

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        params = {**kwargs.pop("params", {}), "token": self._token}
        try:
            response = await self._client.request(method, url, params=params, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaError(f"Rasa not reachable: {type(exc).__name__}") from exc
        if not response.is_success:
            raise RasaError(f"Rasa answered {response.status_code} on {method} {url}")
        return response

    async def transcript(self, conversation_id: str) -> list[Regel]:
        """Fetch the conversation and return its visible lines, oldest first.

        Raises:
            RasaError: when Rasa is down or answers with an error.
        """
        response = await self._request(
            "GET", self._url(conversation_id, "tracker"), params={"include_events": "ALL"}
        )
        try:
            events = response.json().get("events") or []
        except (ValueError, AttributeError) as exc:
            raise RasaError("Rasa sent a tracker that is not JSON") from exc
        return parse_events([e for e in events if isinstance(e, dict)])

    async def trigger(
        self, conversation_id: str, intent: str, entities: dict[str, Any] | None = None
    ) -> None:
        """Trigger an external intent; the bot answers in the user's own channel.

        Raises:
            RasaError: when Rasa is down or refuses (non-2xx).
        """
        await self._request(
            "POST",
            self._url(conversation_id, "trigger_intent"),
            params={"output_channel": "latest"},
            json={"name": intent, "entities": entities or {}},
        )
        log.info("triggered %s in conversation %s", intent, conversation_id)
