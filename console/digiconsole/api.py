"""Service API for the action server (see DEVELOPERS.md, "The hand-off contract").

JSON in and out, ``Authorization: Bearer $CONSOLE_SERVICE_TOKEN`` on every call.

Choice beyond the contract: a ``chat`` request that cannot be served now (outside office
hours, or no adviser account for its loket) is recorded and closed at once with
``afsluiting = verlopen``: nobody would come to the chat, and the bot tells the user
itself from ``beschikbaar``/``reden`` (no ``handoff_verlopen`` intent is triggered). A
``terugbellen`` request stays ``aangevraagd`` so that it is in the inbox the next morning.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import handoffs, mail
from .auth import bearer_valid
from .events import Event
from .models import Handoff
from .state import ConsoleState, get_state

log = logging.getLogger(__name__)


def _error(status: int, detail: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _authorized(request: Request) -> bool:
    return bearer_valid(request, get_state(request).settings.service_token)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise handoffs.ValidationError("body", "not valid JSON") from None


def _path_id(request: Request) -> int | None:
    try:
        return int(request.path_params["id"])
    except ValueError:
        return None


def _summary(handoff: Handoff) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "conversation_id": handoff.conversation_id,
        "status": handoff.status,
        "loket": handoff.loket,
        "contact_voorkeur": handoff.contact_voorkeur,
        "adviseur": handoff.adviseur.naam if handoff.adviseur else None,
        "afsluiting": handoff.afsluiting,
    }


async def create_handoff(request: Request) -> Response:
    """``POST /api/handoffs``: create the hand-off or return the open one."""
    if not _authorized(request):
        return _error(401, "missing or wrong service token")
    state = get_state(request)
    try:
        values = handoffs.validate_request(await _json(request), state.lokets, state.scan)
    except handoffs.ValidationError as exc:
        return _error(422, exc.detail)
    now = state.now()
    open_now = state.settings.kantooruren.is_open(now)

    def work() -> tuple[dict[str, Any], bool, list[str]]:
        with state.db.session() as session:
            handoff, created = handoffs.create_or_get(session, values, now)
            besch = handoffs.beschikbaarheid(session, handoff.loket, open_now)
            recipients: list[str] = []
            if created and not besch.beschikbaar and handoff.contact_voorkeur == "chat":
                handoffs.close(handoff, "verlopen", now)
            elif created:
                recipients = [a.email for a in handoffs.advisers_for(session, handoff.loket)]
            answer = {
                "id": handoff.id,
                "status": handoff.status,
                "beschikbaar": besch.beschikbaar,
                "reden": besch.reden,
            }
            return answer, created, recipients

    answer, created, recipients = await run_in_threadpool(work)
    if created and answer["status"] == "aangevraagd":
        state.bus.publish(Event("nieuw", answer["id"], values["loket"]))
        if state.settings.smtp_host and recipients:
            loket_naam = state.lokets.get(values["loket"] or "", "Digiwijzer (loket onbekend)")
            await run_in_threadpool(
                mail.send_new_request, state.settings, recipients, answer["id"], loket_naam
            )
    log.info(
        "hand-off %s %s (%s)", answer["id"], "created" if created else "exists", answer["reden"]
    )
    return JSONResponse(answer, status_code=201 if created else 200)


async def get_open(request: Request) -> Response:
    """``GET /api/handoffs/open?conversation_id=…``: the open hand-off or 404."""
    if not _authorized(request):
        return _error(401, "missing or wrong service token")
    conversation_id = request.query_params.get("conversation_id", "")
    if not conversation_id:
        return _error(422, "conversation_id: required query parameter")
    state = get_state(request)

    def work() -> dict[str, Any] | None:
        with state.db.session() as session:
            handoff = handoffs.open_handoff(session, conversation_id)
            return _summary(handoff) if handoff else None

    answer = await run_in_threadpool(work)
    if answer is None:
        return _error(404, "no open hand-off for this conversation")
    return JSONResponse(answer)


def _load_open(state: ConsoleState, handoff_id: int) -> tuple[str | None, str] | None:
    with state.db.session() as session:
        handoff = session.get(Handoff, handoff_id)
        return (handoff.loket, handoff.status) if handoff else None


async def bericht(request: Request) -> Response:
    """``POST /api/handoffs/{id}/bericht``: push the entrepreneur's message to consoles."""
    if not _authorized(request):
        return _error(401, "missing or wrong service token")
    state = get_state(request)
    handoff_id = _path_id(request)
    found = await run_in_threadpool(_load_open, state, handoff_id) if handoff_id else None
    if handoff_id is None or found is None:
        return _error(404, "hand-off not found")
    try:
        body = await _json(request)
    except handoffs.ValidationError as exc:
        return _error(422, exc.detail)
    if not isinstance(body, dict):
        return _error(422, "body: must be a JSON object")
    tekst, tijd = body.get("tekst"), body.get("tijd")
    if not isinstance(tekst, str) or not tekst.strip() or len(tekst) > 10_000:
        return _error(422, "tekst: required, a non-empty string of at most 10000 characters")
    if tijd is not None and (isinstance(tijd, bool) or not isinstance(tijd, int | float | str)):
        return _error(422, "tijd: a unix timestamp, an ISO 8601 string or null")
    loket, status = found
    if status not in ("aangevraagd", "actief"):
        return _error(409, f"hand-off is {status}, not open")
    delivered = state.bus.publish(
        Event("bericht", handoff_id, loket, {"tekst": tekst, "tijd": tijd})
    )
    return JSONResponse({"ok": True, "consoles": delivered})


async def annuleren(request: Request) -> Response:
    """``POST /api/handoffs/{id}/annuleren``: the entrepreneur withdrew the request."""
    if not _authorized(request):
        return _error(401, "missing or wrong service token")
    state = get_state(request)
    handoff_id = _path_id(request)
    now = state.now()

    def work() -> tuple[dict[str, Any], str | None, bool] | None:
        with state.db.session() as session:
            handoff = session.get(Handoff, handoff_id) if handoff_id else None
            if handoff is None:
                return None
            changed = handoff.is_open
            if changed:
                handoffs.close(handoff, "gebruiker", now)
            return {"id": handoff.id, "status": handoff.status}, handoff.loket, changed

    result = await run_in_threadpool(work)
    if result is None or handoff_id is None:
        return _error(404, "hand-off not found")
    answer, loket, changed = result
    if changed:
        state.bus.publish(Event("gewijzigd", handoff_id, loket))
    return JSONResponse(answer)


async def delete_persoonsgegevens(request: Request) -> Response:
    """``DELETE /api/conversations/{conversation_id}/persoonsgegevens``."""
    if not _authorized(request):
        return _error(401, "missing or wrong service token")
    state = get_state(request)
    conversation_id = request.path_params["conversation_id"]
    now = state.now()

    def work() -> int:
        with state.db.session() as session:
            return handoffs.delete_personal_data(session, conversation_id, now)

    gewist = await run_in_threadpool(work)
    log.info("personal data cleared for %d hand-off(s) on request", gewist)
    return JSONResponse({"gewist": gewist})


routes = [
    Route("/handoffs", create_handoff, methods=["POST"]),
    Route("/handoffs/open", get_open, methods=["GET"]),
    Route("/handoffs/{id}/bericht", bericht, methods=["POST"]),
    Route("/handoffs/{id}/annuleren", annuleren, methods=["POST"]),
    Route(
        "/conversations/{conversation_id}/persoonsgegevens",
        delete_persoonsgegevens,
        methods=["DELETE"],
    ),
]
