"""A Rasa input channel for the Meta WhatsApp Cloud API.

Register it in a credentials file by module path; the channel name is ``whatsapp``, so the webhook
is ``/webhooks/whatsapp/webhook`` and ``output_channel=latest`` (the adviser console) finds it::

    bot.channels.whatsapp.WhatsAppInput:
      access_token: ${WHATSAPP_ACCESS_TOKEN}
      app_secret: ${WHATSAPP_APP_SECRET}
      verify_token: ${WHATSAPP_VERIFY_TOKEN}
      phone_number_id: ${WHATSAPP_PHONE_NUMBER_ID}
      # optional:
      # api_base_url: https://graph.facebook.com
      # api_version: v21.0

Rasa expands ``${VAR}`` when it reads the credentials file and refuses to start when such a variable
is not set at all (its error names the variable). A key left out of the block is read from the
environment variable above instead. A value that is empty stops the channel with
``ValueError("WhatsApp channel: WHATSAPP_APP_SECRET is not set")``. Do not put this block in the
shared ``credentials.yml`` unless every start has these variables: use a separate credentials file
for WhatsApp deployments.

What the channel does:

* ``GET /webhook``: Meta's subscription handshake. ``hub.mode == "subscribe"`` and the right
  ``hub.verify_token`` (compared in constant time) → 200 with ``hub.challenge``; otherwise 403.
* ``POST /webhook``: the body must carry ``X-Hub-Signature-256: sha256=<hex>``, the HMAC-SHA256 of the
  raw body with the app secret; otherwise 403 and nothing is processed. The answer is 200 at once; the
  messages are handled in a background task, so Meta's 5-second timeout is never hit.
* A message id seen before is skipped (Meta delivers at least once). With ``DEDUPE_REDIS_URL``
  set (the production profile, ``docs/production.md``) the ids are shared by every process through
  Redis (``SET NX`` with a TTL of :data:`DEDUPE_TTL_SECONDS`), so a retry that reaches another Rasa
  process is skipped too. Without it, or while Redis cannot be reached (logged), they live in a bounded
  in-memory LRU (:data:`RECENT_IDS`) per process.
* ``text`` → its body; ``interactive`` ``button_reply``/``list_reply`` → the reply id, which is the Rasa
  payload; a template's quick-reply ``button`` → its payload. Status updates are ignored. Any other
  type (image, voice, sticker, location, …) gets :data:`ONLY_TEXT` without asking Rasa.
* The sender id is the WhatsApp ``from`` (wa_id). The profile name is personal data and is not passed
  on; the metadata holds the message id, its time and type only.

Replies go out through the Graph API (:class:`WhatsAppOutput`): text (split over 4096 characters),
up to 3 buttons as reply buttons, 4 to 10 as a list (more are cut to 10 with a warning). Titles are
derived from the content: the scan's option buttons become "<letter>. <kort_optie>" with the full
option as the row's description (``bot/scan/zelfscan.yml``). A Graph API error is logged with its
status and body and never raised into Rasa. After 24 hours without a message from the user Meta
allows only template messages (error 131047): that is logged as such.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Sequence, Set

import aiohttp
import redis.asyncio  # type: ignore[import-untyped]  # redis 4.6 ships no type hints
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from redis.exceptions import RedisError  # type: ignore[import-untyped]
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.scan.content import LETTERS, Question, ScanContent, get_content

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
DEFAULT_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
ENV_VARS: Dict[str, str] = {
    "access_token": "WHATSAPP_ACCESS_TOKEN",
    "app_secret": "WHATSAPP_APP_SECRET",
    "verify_token": "WHATSAPP_VERIFY_TOKEN",
    "phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
}
"""The required credentials and the environment variable each comes from."""

RECENT_IDS = 10_000
"""How many message ids the in-memory deduplication remembers (per process)."""
DEDUPE_REDIS_URL_ENV = "DEDUPE_REDIS_URL"
DEDUPE_TTL_SECONDS = 7 * 24 * 3600
"""How long Redis remembers a message id: Meta retries a delivery for up to seven days."""
DEDUPE_KEY_PREFIX = "digiwijzer:whatsapp:seen:"

ONLY_TEXT = "Sorry, ik kan alleen tekst lezen. Typ je antwoord, of kies een van de knoppen."
LIST_BUTTON = "Kies een antwoord"
ADVISER_KEY = "adviseur"

TEXT_MAX = 4096
BODY_MAX = 1024
REPLY_BUTTONS_MAX = 3
REPLY_TITLE_MAX = 20
REPLY_ID_MAX = 256
LIST_ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
"""Meta's limit for a list row id (reply button ids may be 256)."""
ELLIPSIS = "…"
RE_ENGAGEMENT_ERROR = 131047
"""Graph API error code: more than 24 hours since the user's last message; only templates allowed."""

SIGNATURE_PREFIX = "sha256="
PAYLOAD = re.compile(r"^/[\w.-]+(\{.*\})$", re.DOTALL)
LETTER_TITLE = re.compile(r"^([A-F])\.\s*(.*)$", re.DOTALL)


# --- credentials -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphConfig:
    """Where and as whom the channel sends: the Graph API endpoint and token."""

    access_token: str
    phone_number_id: str
    api_base_url: str = DEFAULT_API_BASE_URL
    api_version: str = DEFAULT_API_VERSION

    @property
    def messages_url(self) -> str:
        """The Graph API endpoint for sending messages from our phone number."""
        return f"{self.api_base_url.rstrip('/')}/{self.api_version.strip('/')}/{self.phone_number_id}/messages"


def _required(credentials: Mapping[str, Any], key: str) -> str:
    """A required credential: from the credentials file, else from its environment variable.

    Args:
        credentials: The channel's block of the credentials file.
        key: The credential's key, e.g. ``app_secret``.

    Returns:
        The value, stripped.

    Raises:
        ValueError: The value is missing or empty; the message names the environment variable.
    """
    value = credentials[key] if key in credentials else os.environ.get(ENV_VARS[key])
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError(f"WhatsApp channel: {ENV_VARS[key]} is not set")
    return text


# --- incoming ----------------------------------------------------------------------------------------------------


def valid_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``X-Hub-Signature-256`` is the HMAC-SHA256 of the raw body with the app secret.

    Args:
        app_secret: The Meta app secret.
        body: The raw request body, exactly as received.
        header: The ``X-Hub-Signature-256`` header (``sha256=<hex>``), or None when missing.

    Returns:
        True only for a correct signature (compared in constant time).
    """
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(SIGNATURE_PREFIX) :].strip().lower())


def sign(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` header Meta would send for a body (used by tests and tools).

    Args:
        app_secret: The Meta app secret.
        body: The raw request body.

    Returns:
        ``sha256=<hex>``.
    """
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_subscription(args: Mapping[str, Any], verify_token: str) -> tuple[int, str]:
    """Meta's webhook handshake.

    Args:
        args: The query arguments; a value may be a list (Sanic) or a plain string.
        verify_token: Our verify token.

    Returns:
        ``(200, challenge)`` when ``hub.mode`` is ``subscribe`` and the token matches, else ``(403, "")``.
    """

    def arg(name: str) -> str:
        value = args.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        return value if isinstance(value, str) else ""

    token_ok = hmac.compare_digest(arg("hub.verify_token").encode("utf-8"), verify_token.encode("utf-8"))
    if arg("hub.mode") == "subscribe" and token_ok:
        return 200, arg("hub.challenge")
    return 403, ""


@dataclass(frozen=True)
class Incoming:
    """One user message from a webhook delivery.

    Attributes:
        sender: The WhatsApp id (``from``) of the user.
        message_id: Meta's message id (``wamid...``).
        kind: The message type (``text``, ``interactive``, ``image``, …).
        text: What Rasa gets (text or payload), or None for a type the bot cannot read.
        timestamp: Meta's timestamp (seconds, as text), if any.
    """

    sender: str
    message_id: str
    kind: str
    text: str | None
    timestamp: str | None = None

    @property
    def metadata(self) -> Dict[str, Any]:
        """What Rasa stores with the message: no profile name or other personal data."""
        return {"whatsapp": {"message_id": self.message_id, "timestamp": self.timestamp, "type": self.kind}}


def _message_text(message: Mapping[str, Any]) -> str | None:
    """The text Rasa gets for a WhatsApp message, or None when the bot cannot read its type."""
    kind = message.get("type")
    if kind == "text":
        body = (message.get("text") or {}).get("body")
        return body if isinstance(body, str) and body.strip() else None
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get(interactive.get("type") or "") or {}
        if interactive.get("type") in ("button_reply", "list_reply") and isinstance(reply.get("id"), str):
            return str(reply["id"])
        return None
    if kind == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        value = button.get("payload") or button.get("text")
        return value if isinstance(value, str) and value.strip() else None
    return None


def parse_delivery(data: Any, phone_number_id: str | None = None) -> List[Incoming]:
    """The user messages in a webhook delivery; status updates and other changes are left out.

    Args:
        data: The parsed JSON body.
        phone_number_id: When given, changes for another phone number of the same account are skipped.

    Returns:
        The messages in delivery order.
    """
    messages: List[Incoming] = []
    if not isinstance(data, dict):
        return messages
    for entry in data.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            if not isinstance(change, dict) or change.get("field", "messages") != "messages":
                continue
            value = change.get("value") or {}
            ours = (value.get("metadata") or {}).get("phone_number_id")
            if phone_number_id and ours and str(ours) != phone_number_id:
                logger.debug("WhatsApp delivery for another phone number id ignored")
                continue
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("from") or not message.get("id"):
                    continue
                messages.append(
                    Incoming(
                        sender=str(message["from"]),
                        message_id=str(message["id"]),
                        kind=str(message.get("type") or "unknown"),
                        text=_message_text(message),
                        timestamp=str(message["timestamp"]) if message.get("timestamp") else None,
                    )
                )
    return messages


class RecentIds:
    """A bounded set of recently seen message ids (least recently seen dropped first)."""

    def __init__(self, size: int = RECENT_IDS) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, message_id: str) -> bool:
        """Remember an id.

        Args:
            message_id: Meta's message id.

        Returns:
            True when the id was not seen before (among the last ``size`` ids).
        """
        if message_id in self._ids:
            self._ids.move_to_end(message_id)
            return False
        self._ids[message_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class SharedIds:
    """Message ids seen by any process, in Redis: the first ``SET NX`` of an id wins.

    The client is made at first use, in the worker's own event loop (Sanic forks its workers).
    """

    def __init__(self, url: str, ttl: int = DEDUPE_TTL_SECONDS, prefix: str = DEDUPE_KEY_PREFIX) -> None:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"{DEDUPE_REDIS_URL_ENV} must be a redis:// URL")
        self.url = url
        self.ttl = ttl
        self.prefix = prefix
        self._redis: redis.asyncio.Redis | None = None

    async def first_time(self, message_id: str) -> bool:
        """Remember an id for ``ttl`` seconds.

        Args:
            message_id: Meta's message id.

        Returns:
            True when no process saw the id before.

        Raises:
            RedisError: Redis cannot be reached or refused the command.
            OSError: The connection failed.
        """
        if self._redis is None:
            self._redis = redis.asyncio.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
        return bool(await self._redis.set(self.prefix + message_id, "1", nx=True, ex=self.ttl))


# --- outgoing ----------------------------------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """Cut a text to a limit at a word boundary, ending in "…".

    Args:
        text: The text.
        limit: The most characters allowed, ellipsis included.

    Returns:
        The text itself when it fits, else the longest run of whole words plus "…" (a hard cut when
        the first word alone is too long).
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - len(ELLIPSIS) + 1]
    cut = room.rfind(" ")
    head = room[:cut] if cut > 0 else text[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,.;:-–") + ELLIPSIS


def split_text(text: str, limit: int = TEXT_MAX) -> List[str]:
    """Split a text into parts of at most ``limit`` characters, at paragraph, line or word boundaries.

    Args:
        text: The text.
        limit: The most characters per part.

    Returns:
        The parts (at least one, possibly empty, for an empty text).
    """
    text = text.strip()
    parts: List[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].strip()
    parts.append(text)
    return parts


def _payload_letter(payload: str) -> str | None:
    """The scan letter in a payload such as ``/inform{"scan_antwoord":"B"}``, or None."""
    match = PAYLOAD.match(payload.strip())
    if not match:
        return None
    try:
        entities = json.loads(match.group(1))
    except ValueError:
        return None
    letter = entities.get("scan_antwoord") if isinstance(entities, dict) else None
    return letter if letter in LETTERS else None


def scan_option(button: Mapping[str, Any], content: ScanContent) -> tuple[Question, str] | None:
    """The scan question and letter a button stands for, found in the content.

    The payload gives the letter (``{"scan_antwoord": "B"}``); the title ("B. We gebruiken een paar
    basisprogramma's, …", possibly cut short with "…") must match that letter's option text of exactly
    one question.

    Args:
        button: A Rasa button (``title``, ``payload``).
        content: The scan content.

    Returns:
        ``(question, letter)``, or None for any other button.
    """
    letter = _payload_letter(str(button.get("payload") or ""))
    title = " ".join(str(button.get("title") or "").split())
    if letter is None or not title:
        return None
    labelled = LETTER_TITLE.match(title)
    if labelled:
        if labelled.group(1) != letter:
            return None
        title = labelled.group(2)
    cut_short = title.endswith((ELLIPSIS, "..."))
    stem = title.rstrip(".…").rstrip(" ,") if cut_short else title
    found = [
        q
        for q in content.questions
        if (" ".join(q.options[letter].split()) == title)
        or (cut_short and len(stem) >= 8 and " ".join(q.options[letter].split()).startswith(stem))
    ]
    return (found[0], letter) if len(found) == 1 else None


def _fit_body(body: str) -> str:
    """An interactive body within 1024 characters, its line breaks kept when it fits."""
    return body if len(body) <= BODY_MAX else shorten(body, BODY_MAX)


def _button_parts(button: Mapping[str, Any]) -> tuple[str, str]:
    """A button's payload and title as text (a button without payload sends its title)."""
    title = str(button.get("title") or "").strip()
    payload = str(button.get("payload") or title).strip()
    return payload, title


def reply_buttons(body: str, buttons: Sequence[Mapping[str, Any]], content: ScanContent) -> Dict[str, Any]:
    """The ``interactive`` part of a message with up to three reply buttons.

    A title over 20 characters is cut at a word boundary ("<letter>. <kort_optie>" for a scan option);
    when a title was cut, the full titles are added to the body so nothing is lost.

    Args:
        body: The message text.
        buttons: One to three Rasa buttons.
        content: The scan content (for the scan's option titles).

    Returns:
        ``{"type": "button", "body": …, "action": {"buttons": […]}}``.
    """
    items: List[Dict[str, Any]] = []
    full_titles: List[str] = []
    seen: Set[str] = set()
    for button in buttons[:REPLY_BUTTONS_MAX]:
        payload, title = _button_parts(button)
        if not payload or len(payload) > REPLY_ID_MAX or payload in seen:
            logger.warning("WhatsApp: button %r left out (payload empty, repeated or over %d)", title, REPLY_ID_MAX)
            continue
        seen.add(payload)
        option = scan_option(button, content)
        short = f"{option[1]}. {option[0].short_options[option[1]]}" if option else title
        shown = shorten(short or payload, REPLY_TITLE_MAX)
        if shown != title and title and title not in body:
            full_titles.append(title)
        items.append({"type": "reply", "reply": {"id": payload, "title": shown}})
    if full_titles:
        extended = body.rstrip() + "\n\n" + "\n".join(full_titles)
        if len(extended) <= BODY_MAX:
            body = extended
    return {"type": "button", "body": {"text": _fit_body(body)}, "action": {"buttons": items}}


def list_rows(buttons: Sequence[Mapping[str, Any]], content: ScanContent) -> List[Dict[str, str]]:
    """List rows for up to ten buttons.

    A scan option becomes ``{"id": payload, "title": "<letter>. <kort_optie>" (≤24), "description": the
    full option (≤72)}``; another button gets its title cut at a word boundary, with the whole title as
    description when it was cut.

    Args:
        buttons: Rasa buttons (at most ten are used).
        content: The scan content.

    Returns:
        The rows.
    """
    rows: List[Dict[str, str]] = []
    seen: Set[str] = set()
    for button in buttons[:LIST_ROWS_MAX]:
        payload, title = _button_parts(button)
        if not payload or len(payload) > ROW_ID_MAX or payload in seen:
            logger.warning("WhatsApp: list row %r left out (payload empty, repeated or over %d)", title, ROW_ID_MAX)
            continue
        seen.add(payload)
        option = scan_option(button, content)
        if option:
            question, letter = option
            row = {
                "id": payload,
                "title": shorten(f"{letter}. {question.short_options[letter]}", ROW_TITLE_MAX),
                "description": shorten(question.options[letter], ROW_DESCRIPTION_MAX),
            }
        else:
            row = {"id": payload, "title": shorten(title or payload, ROW_TITLE_MAX)}
            if len(" ".join(title.split())) > ROW_TITLE_MAX:
                row["description"] = shorten(title, ROW_DESCRIPTION_MAX)
        rows.append(row)
    return rows


def list_message(body: str, buttons: Sequence[Mapping[str, Any]], content: ScanContent) -> Dict[str, Any]:
    """The ``interactive`` part of a list message (4 to 10 choices).

    Args:
        body: The message text.
        buttons: The Rasa buttons; beyond ten they are dropped with a warning.
        content: The scan content.

    Returns:
        ``{"type": "list", "body": …, "action": {"button": "Kies een antwoord", "sections": [{"rows": …}]}}``.
    """
    if len(buttons) > LIST_ROWS_MAX:
        logger.warning("WhatsApp: %d buttons, a list holds %d; the rest are left out", len(buttons), LIST_ROWS_MAX)
    return {
        "type": "list",
        "body": {"text": _fit_body(body)},
        "action": {"button": LIST_BUTTON, "sections": [{"rows": list_rows(buttons, content)}]},
    }


def text_payloads(recipient_id: str, text: str) -> List[Dict[str, Any]]:
    """Graph API bodies for a text, split over 4096 characters.

    Args:
        recipient_id: The user's WhatsApp id.
        text: The text.

    Returns:
        One body per part.
    """
    return [
        {
            "messaging_product": "whatsapp",
            "to": recipient_id,
            "type": "text",
            "text": {"body": part, "preview_url": False},
        }
        for part in split_text(text)
        if part
    ]


def button_payloads(
    recipient_id: str, text: str, buttons: Sequence[Mapping[str, Any]], content: ScanContent
) -> List[Dict[str, Any]]:
    """Graph API bodies for a text with buttons: reply buttons (≤3) or a list (4 or more).

    A text too long for an interactive body (1024) goes out first as text; its last part carries the
    buttons.

    Args:
        recipient_id: The user's WhatsApp id.
        text: The text.
        buttons: The Rasa buttons.
        content: The scan content.

    Returns:
        The bodies, in sending order.
    """
    if not buttons:
        return text_payloads(recipient_id, text)
    parts = split_text(text, BODY_MAX)
    head, body = "\n\n".join(parts[:-1]), parts[-1] or "…"
    messages = text_payloads(recipient_id, head) if head else []
    interactive = (
        reply_buttons(body, buttons, content)
        if len(buttons) <= REPLY_BUTTONS_MAX
        else list_message(body, buttons, content)
    )
    messages.append(
        {"messaging_product": "whatsapp", "to": recipient_id, "type": "interactive", "interactive": interactive}
    )
    return messages


def _with_adviser(text: str, kwargs: Mapping[str, Any]) -> str:
    """The text with "<naam> (adviseur): " before it when an adviser wrote it."""
    adviser = kwargs.get(ADVISER_KEY)
    if isinstance(adviser, str) and adviser.strip():
        return f"{adviser.strip()} (adviseur): {text}"
    return text


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages through the Graph API; errors are logged, never raised into Rasa."""

    def __init__(self, config: GraphConfig, timeout: float = 10.0) -> None:
        self.config = config
        self.timeout = timeout

    @classmethod
    def name(cls) -> str:
        """The channel name."""
        return CHANNEL_NAME

    async def post(self, payload: Dict[str, Any]) -> bool:
        """Send one message body to the Graph API.

        Args:
            payload: The message body (``messaging_product``, ``to``, ``type``, …).

        Returns:
            True when the Graph API accepted it (2xx).
        """
        headers = {"Authorization": f"Bearer {self.config.access_token}", "Content-Type": "application/json"}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                async with session.post(self.config.messages_url, json=payload, headers=headers) as answer:
                    body = await answer.text()
                    if 200 <= answer.status < 300:
                        return True
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("WhatsApp: Graph API not reached (%s: %s)", type(error).__name__, error)
            return False
        code = _error_code(body)
        if code == RE_ENGAGEMENT_ERROR:
            logger.error(
                "WhatsApp: message to a user not sent: more than 24 hours since their last message, Meta allows "
                "only template messages now (error %d). Status %d, body: %s",
                code,
                answer.status,
                body[:2000],
            )
        else:
            logger.error("WhatsApp: Graph API answered %d (error code %s), body: %s", answer.status, code, body[:2000])
        return False

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send text, split over 4096 characters.

        Args:
            recipient_id: The user's WhatsApp id.
            text: The message text.
            **kwargs: The rest of the bot message; ``adviseur`` puts "<naam> (adviseur): " before the text.
        """
        for payload in text_payloads(recipient_id, _with_adviser(text, kwargs)):
            await self.post(payload)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with reply buttons (up to 3) or a list (4 to 10; more are cut with a warning).

        Args:
            recipient_id: The user's WhatsApp id.
            text: The message text.
            buttons: Rasa buttons with ``title`` and ``payload``.
            **kwargs: The rest of the bot message; ``adviseur`` puts "<naam> (adviseur): " before the text.
        """
        for payload in button_payloads(recipient_id, _with_adviser(text, kwargs), buttons, get_content()):
            await self.post(payload)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are sent as buttons.

        Args:
            recipient_id: The user's WhatsApp id.
            text: The message text.
            quick_replies: Rasa quick replies with ``title`` and ``payload``.
            **kwargs: The rest of the bot message.
        """
        await self.send_text_with_buttons(recipient_id, text, quick_replies, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """A custom message with a WhatsApp ``type`` (e.g. ``template``) is sent as it is; others are dropped.

        Args:
            recipient_id: The user's WhatsApp id.
            json_message: The custom payload of the response.
            **kwargs: The rest of the bot message.
        """
        if isinstance(json_message, dict) and isinstance(json_message.get("type"), str):
            await self.post({**json_message, "messaging_product": "whatsapp", "to": recipient_id})
        else:
            logger.warning("WhatsApp: custom message without a WhatsApp 'type' not sent")


def _error_code(body: str) -> int | None:
    """The Graph API error code in an error body (``{"error": {"code": …}}``), or None."""
    try:
        code = json.loads(body).get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, int) else None


# --- the input channel ----------------------------------------------------------------------------------------------


class WhatsAppInput(InputChannel):
    """The WhatsApp Cloud API webhook (``/webhooks/whatsapp/webhook``)."""

    def __init__(self, config: GraphConfig, app_secret: str, verify_token: str) -> None:
        self.config = config
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.recent = RecentIds()
        url = os.environ.get(DEDUPE_REDIS_URL_ENV, "").strip()
        self.shared = SharedIds(url) if url else None
        self._tasks: Set[asyncio.Task[None]] = set()

    @classmethod
    def name(cls) -> str:
        """The channel name (and URL prefix)."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> WhatsAppInput:
        """Build the channel from its credentials block (missing keys come from the environment).

        Args:
            credentials: The block of the credentials file, or None.

        Returns:
            The channel.

        Raises:
            ValueError: A required value is missing or empty; the message names its environment variable.
        """
        credentials = credentials or {}
        values = {key: _required(credentials, key) for key in ENV_VARS}
        base_url = str(credentials.get("api_base_url") or DEFAULT_API_BASE_URL).strip()
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"WhatsApp channel: api_base_url must be an http(s) URL, not {base_url!r}")
        config = GraphConfig(
            access_token=values["access_token"],
            phone_number_id=values["phone_number_id"],
            api_base_url=base_url,
            api_version=str(credentials.get("api_version") or DEFAULT_API_VERSION).strip(),
        )
        return cls(config, values["app_secret"], values["verify_token"])

    def get_output_channel(self) -> OutputChannel:
        """The output channel for external events (``trigger_intent`` with ``output_channel=latest``).

        Returns:
            A :class:`WhatsAppOutput`.
        """
        return WhatsAppOutput(self.config)

    def verify(self, args: Mapping[str, Any]) -> HTTPResponse:
        """Answer Meta's subscription handshake.

        Args:
            args: The query arguments.

        Returns:
            200 with the challenge as plain text, or 403.
        """
        status, challenge = verify_subscription(args, self.verify_token)
        if status != 200:
            logger.warning("WhatsApp: webhook verification refused")
        return response.text(challenge, status=status)

    def receive(
        self, body: bytes, signature: str | None, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Check a webhook delivery and start handling its new messages in the background.

        Args:
            body: The raw request body.
            signature: The ``X-Hub-Signature-256`` header, or None.
            on_new_message: Rasa's callback for a user message.

        Returns:
            403 for a missing or bad signature, 400 for a body that is not JSON, else 200 at once.
        """
        if not valid_signature(self.app_secret, body, signature):
            logger.warning("WhatsApp: webhook POST with a missing or bad signature refused")
            return response.text("", status=403)
        try:
            data = json.loads(body)
        except ValueError:
            return response.text("", status=400)
        messages = parse_delivery(data, self.config.phone_number_id)
        if messages:
            task = asyncio.create_task(self.handle(messages, on_new_message))
            self._tasks.add(task)  # keep a reference until done
            task.add_done_callback(self._tasks.discard)
        return response.text("", status=200)

    async def first_time(self, message_id: str) -> bool:
        """Whether a message is new: in Redis when configured and reachable, else in this process's memory.

        Args:
            message_id: Meta's message id.

        Returns:
            True when the id was not seen before.
        """
        if self.shared is not None:
            try:
                return await self.shared.first_time(message_id)
            except (RedisError, OSError) as error:
                logger.warning(
                    "WhatsApp: Redis for de-duplication not reached (%s: %s); using this process's memory",
                    type(error).__name__,
                    error,
                )
        return self.recent.first_time(message_id)

    async def handle(
        self, messages: Sequence[Incoming], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        """Handle the new messages of one delivery in order; one failing does not stop the rest.

        All ids of the delivery are checked before any message is handled, so a retry arriving meanwhile
        finds them taken.

        Args:
            messages: The messages of the delivery (seen ones are skipped).
            on_new_message: Rasa's callback for a user message.
        """
        fresh = [message for message in messages if await self.first_time(message.message_id)]
        output = WhatsAppOutput(self.config)
        for message in fresh:
            try:
                if message.text is None:
                    await output.send_text_message(message.sender, ONLY_TEXT)
                    continue
                await on_new_message(
                    UserMessage(
                        message.text,
                        output,
                        message.sender,
                        input_channel=CHANNEL_NAME,
                        message_id=message.message_id,
                        metadata=message.metadata,
                    )
                )
            except Exception:  # a background task: log, never lose the rest of the delivery
                logger.exception("WhatsApp: handling message %s failed", message.message_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook routes.

        Args:
            on_new_message: Rasa's callback for a user message.

        Returns:
            A blueprint with ``GET /`` (health), ``GET /webhook`` (handshake) and ``POST /webhook``.
        """
        whatsapp_webhook = Blueprint("whatsapp_webhook", __name__)

        @whatsapp_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @whatsapp_webhook.route("/webhook", methods=["GET"])
        async def verification(request: Request) -> HTTPResponse:
            return self.verify(request.args)

        @whatsapp_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return self.receive(request.body, request.headers.get("X-Hub-Signature-256"), on_new_message)

        return whatsapp_webhook
