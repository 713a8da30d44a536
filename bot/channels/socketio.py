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
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)

ADVISER_KEY = "adviseur"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


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

        Returns:
            A :class:`DigiwijzerSocketIOOutput`, or None (with the stock warning) before the blueprint exists.
        """
        if self.sio is None:
            return super().get_output_channel()
        return DigiwijzerSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock blueprint with our ``session_request`` and user message handlers.

        Args:
            on_new_message: Rasa's callback for a user message.

        Returns:
            The Sanic blueprint that attaches the socket.io server.
        """
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint()

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

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint
