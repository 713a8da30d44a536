"""Background work: closing chat requests that nobody claimed in time.

Only ``chat`` requests expire: someone is waiting in the chat. A ``terugbellen``
request waits in the inbox until an adviser handles it (it may come in at night).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from .events import Event
from .models import Handoff
from .rasa import RasaError
from .state import ConsoleState

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 30.0


def _close_expired(state: ConsoleState) -> list[tuple[int, str, str | None]]:
    now = state.now()
    cutoff = now - timedelta(minutes=state.settings.claim_timeout_minuten)
    closed = []
    with state.db.session() as session:
        candidates = session.execute(
            select(Handoff.id, Handoff.conversation_id, Handoff.loket).where(
                Handoff.status == "aangevraagd",
                Handoff.contact_voorkeur == "chat",
                Handoff.created_at < cutoff,
            )
        ).all()
        for handoff_id, conversation_id, loket in candidates:
            # Conditional: an adviser may claim it between the select and the update.
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.status == "aangevraagd")
                .values(status="afgerond", afsluiting="verlopen", closed_at=now)
            )
            if getattr(result, "rowcount", 0):
                closed.append((handoff_id, conversation_id, loket))
    return closed


async def expire_once(state: ConsoleState) -> int:
    """Close unclaimed chat requests older than CLAIM_TIMEOUT_MINUTEN; tell Rasa.

    The database is changed even when Rasa is down (the request is over either way);
    a failed ``handoff_verlopen`` is logged.

    Returns:
        How many hand-offs were closed.
    """
    closed = await run_in_threadpool(_close_expired, state)
    for handoff_id, conversation_id, loket in closed:
        state.bus.publish(Event("gewijzigd", handoff_id, loket))
        try:
            await state.rasa.trigger(conversation_id, "handoff_verlopen", {})
        except RasaError as exc:
            log.warning("hand-off %s expired, but Rasa was not told: %s", handoff_id, exc)
    if closed:
        log.info("closed %d expired hand-off(s)", len(closed))
    return len(closed)


async def expiry_loop(state: ConsoleState, interval: float = INTERVAL_SECONDS) -> None:
    """Run :func:`expire_once` every ``interval`` seconds until cancelled; never crash."""
    while True:
        try:
            await expire_once(state)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiry run failed; trying again later")
        await asyncio.sleep(interval)
