"""In-process publish/subscribe for live updates of open consoles (server-sent events).

One process serves all consoles, so a set of asyncio queues is enough. Every event names
the loket of its hand-off; a subscriber only receives events of the lokets it serves.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

QUEUE_SIZE = 100


def serves(loket: str | None, lokets: frozenset[str] | None) -> bool:
    """Tell whether advisers of ``lokets`` may see a hand-off of ``loket``.

    Args:
        loket: the hand-off's loket id (None: not yet known).
        lokets: the adviser's loket ids; None means admin (sees everything).

    Returns:
        True when visible. A hand-off without loket is served by the ``kvk`` loket.
    """
    if lokets is None:
        return True
    return (loket or "kvk") in lokets


@dataclass(frozen=True)
class Event:
    """A change worth showing live.

    Attributes:
        type: ``nieuw`` (new request), ``gewijzigd`` (status changed) or ``bericht``
            (the entrepreneur wrote something).
        handoff_id: the hand-off.
        loket: its loket, for scoping.
        data: extra fields for the browser (e.g. ``tekst`` of a bericht).
    """

    type: str
    handoff_id: int
    loket: str | None
    data: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """The JSON sent to the browser."""
        return {"type": self.type, "handoff_id": self.handoff_id, **self.data}


@dataclass(eq=False)
class Subscription:
    """One open console's queue, limited to its lokets (None: all)."""

    lokets: frozenset[str] | None
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))


class EventBus:
    """Fan-out of events to subscribers; publishing never blocks."""

    def __init__(self) -> None:
        """Start with no subscribers."""
        self._subscribers: set[Subscription] = set()

    def subscribe(self, lokets: frozenset[str] | None) -> Subscription:
        """Register a subscriber for the given lokets (None: all)."""
        sub = Subscription(lokets)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Forget a subscriber."""
        self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        """How many consoles listen now."""
        return len(self._subscribers)

    def publish(self, event: Event) -> int:
        """Deliver an event to every subscriber that serves its loket.

        Must be called on the event loop's thread. A subscriber whose queue is full (a
        stalled browser) misses the event rather than slowing everyone down.

        Returns:
            The number of subscribers that received it.
        """
        delivered = 0
        for sub in list(self._subscribers):
            if not serves(event.loket, sub.lokets):
                continue
            try:
                sub.queue.put_nowait(event)
                delivered += 1
            except asyncio.QueueFull:
                log.warning("event queue full; dropping %s for one console", event.type)
        return delivered
