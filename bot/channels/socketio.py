"""Rasa's socket.io channel, plus the adviser's name on the adviser's messages.

Register it in credentials.yml by module path, with the stock channel's settings::

    bot.channels.socketio.DigiwijzerSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Differences from the stock channel (``rasa.core.channels.socketio``):

* A bot message whose metadata names an adviser (``adviseur``, set by
  ``action_adviseur_bericht``) is emitted as ``{"text": ..., "metadata": {"adviseur": "Sanne"}}``;
  every other message keeps the stock shape (``text``, buttons as ``quick_replies``).
* ``session_request`` awaits ``enter_room`` (a coroutine in python-socketio 5; the stock handler
  does not await it, so with ``session_persistence`` replies never reached the client) and
  accepts only a plain session id (letters, digits, ``-`` and ``_``), else it makes a new one.
* With ``SOCKETIO_REDIS_URL`` set (the production profile, ``docs/production.md``), the socket.io server
  shares its rooms through Redis (python-socketio's ``AsyncRedisManager``, pub/sub channel
  ``SOCKETIO_REDIS_CHANNEL``, default ``digiwijzer-socketio``). A message for a session whose socket is
  held by another Rasa process or Sanic worker, such as an adviser's reply that the console posted to
  whichever process its HTTP call reached, is then delivered by the process that holds the socket.
  Each Sanic worker starts its own Redis listener when it starts (not at its first client, as
  python-socketio would), with its own host id: forked workers would otherwise share the parent's id
  and ignore each other's messages. Without the variable: one process, rooms in memory, as before.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Mapping

import rasa.core.channels.channel
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

logger = logging.getLogger(__name__)

ADVISER_KEY = "adviseur"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REDIS_URL_ENV = "SOCKETIO_REDIS_URL"
REDIS_CHANNEL_ENV = "SOCKETIO_REDIS_CHANNEL"
DEFAULT_REDIS_CHANNEL = "digiwijzer-socketio"


def redis_manager(env: Mapping[str, str] | None = None) -> AsyncRedisManager | None:
    """The Redis client manager that shares rooms between processes, when ``SOCKETIO_REDIS_URL`` is set.

    Args:
        env: The environment; ``os.environ`` when None.

    Returns:
        An ``AsyncRedisManager`` on that URL (it connects when first used), or None for in-memory rooms.

    Raises:
        ValueError: The URL is not a ``redis://``, ``rediss://`` or ``unix://`` URL.
    """
    env = os.environ if env is None else env
    url = (env.get(REDIS_URL_ENV) or "").strip()
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"{REDIS_URL_ENV} must be a redis:// URL")
    channel = (env.get(REDIS_CHANNEL_ENV) or "").strip() or DEFAULT_REDIS_CHANNEL
    return AsyncRedisManager(url, channel=channel)


def renew_host_id(sio: AsyncServer) -> None:
    """Give this worker's Redis manager a host id of its own (call in each worker before it serves).

    Sanic forks its workers after the server object exists, so they all start with the parent's host
    id, and a message whose host id is the receiver's own is ignored as an echo.

    Args:
        sio: A socket.io server with a Redis client manager.
    """
    sio.manager.host_id = uuid.uuid4().hex


def start_redis_listener(sio: AsyncServer) -> None:
    """Start this worker's Redis listener now, unless a client connection already started it.

    python-socketio starts the listener at the first client connection; a process that never gets one
    would still send through Redis but never receive.

    Args:
        sio: A socket.io server with a Redis client manager.
    """
    if sio.manager_initialized:
        return
    sio.manager_initialized = True
    sio.manager.initialize()


def _metadata(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """The metadata the client sees: the adviser's name when the message is theirs.

    Args:
        kwargs: The rest of the bot message (Rasa's ``BotUttered.message()`` minus text and buttons).

    Returns:
        ``{"adviseur": name}`` or an empty dict.
    """
    adviser = kwargs.get(ADVISER_KEY)
    return {ADVISER_KEY: adviser} if isinstance(adviser, str) and adviser.strip() else {}


class DigiwijzerSocketIOOutput(SocketIOOutput):
    """Stock socket.io output that keeps the adviser's name on the adviser's messages."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send text, one message per paragraph, as the stock channel does.

        Args:
            recipient_id: The session id (the socket.io room with session persistence).
            text: The message text.
            **kwargs: The rest of the bot message; ``adviseur`` is passed on as metadata.
        """
        metadata = _metadata(kwargs)
        for part in text.strip().split("\n\n"):
            message: Dict[str, Any] = {"text": part}
            if metadata:
                message["metadata"] = metadata
            await self._send_message(recipient_id, message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with buttons as ``quick_replies`` on the last paragraph, as the stock channel does.

        Args:
            recipient_id: The session id (the socket.io room with session persistence).
            text: The message text.
            buttons: Buttons with ``title`` and ``payload``.
            **kwargs: The rest of the bot message; ``adviseur`` is passed on as metadata.
        """
        metadata = _metadata(kwargs)
        messages: List[Dict[str, Any]] = [{"text": part, "quick_replies": []} for part in text.strip().split("\n\n")]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons
        ]
        for message in messages:
            if metadata:
                message["metadata"] = metadata
            await self._send_message(recipient_id, message)


class DigiwijzerSocketIOInput(SocketIOInput):
    """Stock socket.io input whose output channel is :class:`DigiwijzerSocketIOOutput`.

    Its name stays ``socketio``, so ``output_channel=latest`` (the adviser console) finds it.
    """

    def get_output_channel(self) -> OutputChannel | None:
        """The output channel for external events (``trigger_intent`` with ``output_channel=latest``).

        The session id is the socket.io room. With the Redis manager, an emit to it reaches the socket
        whichever process holds it; without, only when this process holds it.

        Returns:
            A :class:`DigiwijzerSocketIOOutput`, or None (with the stock warning) before the blueprint exists.
        """
        if self.sio is None:
            return super().get_output_channel()
        return DigiwijzerSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock blueprint's routes and handlers, with our socket.io server and handlers.

        Args:
            on_new_message: Rasa's callback for a user message.

        Returns:
            The Sanic blueprint that attaches the socket.io server.
        """
        manager = redis_manager()
        # cors_allowed_origins=[]: as the stock channel (Sanic's CORS settings apply instead).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager)
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        if manager is not None:
            logger.info("socket.io rooms shared through Redis (%s)", REDIS_URL_ENV)

            async def own_host_id(_: Sanic, __: Any) -> None:
                renew_host_id(sio)

            async def listen(_: Sanic, __: Any) -> None:
                start_redis_listener(sio)

            blueprint.listener("before_server_start")(own_host_id)
            blueprint.listener("after_server_start")(listen)

        async def connect(sid: str, environ: Dict[str, Any], auth: Dict[str, Any] | None) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            payload = (
                rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                if token
                else None
            )
            return bool(payload)

        async def session_request(sid: str, data: Dict[str, Any] | None) -> None:
            requested = (data or {}).get("session_id")
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Dict[str, Any]) -> None:
            if self.session_persistence:
                session_id = data.get("session_id")
                if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
                    logger.warning("socket.io message without a valid session_id ignored; send session_request first")
                    return
                sender_id = session_id
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key or "metadata") or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            output = DigiwijzerSocketIOOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(data.get("message", ""), output, sender_id, input_channel=self.name(), metadata=metadata)
            )

        sio.on("connect", connect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
