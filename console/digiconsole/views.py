"""The adviser console: login, inbox, hand-off page, actions, live events (SSE).

Handlers are async; database work runs in the thread pool, one session per unit of
work. Actions that the entrepreneur must notice (claim, reply, hand back, close) are
sent to Rasa first; the database changes only after Rasa accepted.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from . import auth, handoffs
from .availability import AMSTERDAM
from .events import Event
from .models import OPEN_STATUSSEN, UITKOMSTEN, Handoff, Notitie, utcnow
from .rasa import RasaError, Regel
from .state import ConsoleState, get_state
from .templating import templates
from .whatsapp import VENSTER_DICHT, WHATSAPP, venster_gesloten

log = logging.getLogger(__name__)

PING_SECONDS = 15.0
NIET_AFGELEVERD = "Het bericht is niet afgeleverd: de chatbot is niet bereikbaar."
TE_VEEL_POGINGEN = "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."
FOUTE_LOGIN = "E-mailadres of wachtwoord klopt niet."
VERLOPEN_FORMULIER = "Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."


# --- helpers -------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch" or "application/json" in (
        request.headers.get("accept", "")
    )


async def _gebruiker(request: Request) -> auth.Gebruiker | None:
    adviseur_id = auth.session_adviseur_id(request)
    if adviseur_id is None:
        return None
    gebruiker = await run_in_threadpool(auth.load_gebruiker, get_state(request).db, adviseur_id)
    if gebruiker is None:
        request.session.clear()
    return gebruiker


def _naar_login(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    query = "?" + urlencode({"next": target}) if target != "/" else ""
    return RedirectResponse(f"/login{query}", status_code=303)


def _flash(request: Request, tekst: str, soort: str = "fout") -> None:
    # Reassign (not append in place) so the session middleware sees the change.
    request.session["flash"] = [
        *request.session.get("flash", []),
        {"soort": soort, "tekst": tekst},
    ]


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    context.setdefault("flash", request.session.pop("flash", []))
    context["csrf_token"] = auth.csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _id(request: Request) -> int | None:
    try:
        return int(request.path_params["id"])
    except ValueError:
        return None


class Weigering(Exception):
    """A POST is refused before any work (not logged in, CSRF failed)."""

    def __init__(self, response: Response) -> None:
        """Carry the response to send."""
        self.response = response


async def _post_guard(request: Request) -> tuple[auth.Gebruiker, dict[str, str]]:
    """Require a logged-in adviser and a valid CSRF token; return the adviser and form."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        if _wants_json(request):
            raise Weigering(JSONResponse({"fout": "Niet ingelogd."}, status_code=401))
        raise Weigering(RedirectResponse("/login", status_code=303))
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    submitted = request.headers.get(auth.CSRF_HEADER) or values.get(auth.CSRF_FIELD)
    if not auth.csrf_valid(request, submitted):
        raise Weigering(PlainTextResponse(VERLOPEN_FORMULIER, status_code=403))
    return gebruiker, values


def wachttijd(van: datetime, tot: datetime) -> str:
    """Waiting time in short Dutch: ``"0 min"``, ``"12 min"``, ``"1 u 5 min"``, ``"2 d"``."""
    minuten = max(0, int((tot - van).total_seconds() // 60))
    if minuten < 60:
        return f"{minuten} min"
    if minuten < 24 * 60:
        uren, rest = divmod(minuten, 60)
        return f"{uren} u {rest} min" if rest else f"{uren} u"
    return f"{minuten // (24 * 60)} d"


@dataclass(frozen=True)
class Snapshot:
    """What an action needs to know about a hand-off before calling Rasa."""

    id: int
    conversation_id: str
    loket: str | None
    status: str
    adviseur_id: int | None
    channel: str


def _snapshot(
    state: ConsoleState, handoff_id: int, scope: frozenset[str] | None
) -> Snapshot | None:
    with state.db.session() as session:
        handoff = session.scalar(
            select(Handoff).where(Handoff.id == handoff_id, handoffs.visible(scope))
        )
        if handoff is None:
            return None
        return Snapshot(
            handoff.id,
            handoff.conversation_id,
            handoff.loket,
            handoff.status,
            handoff.adviseur_id,
            handoff.channel,
        )


async def _visible_snapshot(request: Request, gebruiker: auth.Gebruiker) -> Snapshot | None:
    handoff_id = _id(request)
    if handoff_id is None:
        return None
    return await run_in_threadpool(_snapshot, get_state(request), handoff_id, gebruiker.scope)


async def _post_target(request: Request) -> tuple[auth.Gebruiker, dict[str, str], Snapshot]:
    """The guarded POST's adviser and form, and the hand-off it acts on (visible to them).

    Raises:
        Weigering: not logged in, CSRF failed, or no such hand-off for this adviser (404).
    """
    gebruiker, form = await _post_guard(request)
    snap = await _visible_snapshot(request, gebruiker)
    if snap is None:
        raise Weigering(PlainTextResponse("Niet gevonden.", status_code=404))
    return gebruiker, form, snap


def _back(handoff_id: int) -> RedirectResponse:
    return RedirectResponse(f"/handoffs/{handoff_id}", status_code=303)


# --- login ----------------------------------------------------------------------------


async def login_page(request: Request) -> Response:
    """``GET /login``."""
    if await _gebruiker(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _render(request, "login.html", {"email": "", "next": _safe_next(request)})


def _safe_next(request: Request, value: str | None = None) -> str:
    target = value if value is not None else request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_submit(request: Request) -> Response:
    """``POST /login``: check CSRF, rate limit, credentials; start a fresh session."""
    state = get_state(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not auth.csrf_valid(request, values.get(auth.CSRF_FIELD)):
        return PlainTextResponse(VERLOPEN_FORMULIER, status_code=403)
    email = values.get("email", "").strip()[:254]
    password = values.get("password", "")[:1024]
    target = _safe_next(request, values.get("next", "/"))
    keys = (f"email:{email.lower()}", f"ip:{request.client.host if request.client else '?'}")
    context = {"email": email, "next": target}
    if state.limiter.blocked(*keys):
        return _render(request, "login.html", {**context, "fout": TE_VEEL_POGINGEN}, 429)
    gebruiker = await run_in_threadpool(auth.authenticate, state.db, email, password)
    if gebruiker is None:
        state.limiter.fail(*keys)
        log.info("failed login from %s", keys[1])
        return _render(request, "login.html", {**context, "fout": FOUTE_LOGIN}, 401)
    state.limiter.reset(keys[0])
    auth.login_session(request, gebruiker)
    log.info("adviser %s logged in", gebruiker.id)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    """``POST /logout``."""
    form = await request.form()
    token = form.get(auth.CSRF_FIELD)
    if not auth.csrf_valid(request, token if isinstance(token, str) else None):
        return PlainTextResponse(VERLOPEN_FORMULIER, status_code=403)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# --- inbox ----------------------------------------------------------------------------


def _inbox_rows(
    state: ConsoleState, gebruiker: auth.Gebruiker, status: str, loket: str
) -> list[dict[str, Any]]:
    now = state.now()
    query = select(Handoff).where(handoffs.visible(gebruiker.scope))
    query = query.where(
        Handoff.status == status if status in OPEN_STATUSSEN else Handoff.status.in_(OPEN_STATUSSEN)
    )
    if loket == "geen":
        query = query.where(Handoff.loket.is_(None))
    elif loket:
        query = query.where(Handoff.loket == loket)
    query = query.order_by(Handoff.created_at, Handoff.id)
    rows = []
    with state.db.session() as session:
        for h in session.scalars(query):
            rows.append(
                {
                    "id": h.id,
                    "status": h.status,
                    "loket": state.lokets.get(h.loket, h.loket) if h.loket else None,
                    "gemeente": h.gemeente,
                    "fase": state.scan.fase_naam(h.fase),
                    "contact_voorkeur": h.contact_voorkeur,
                    "wacht": wachttijd(h.created_at, h.claimed_at or now),
                    "adviseur": h.adviseur.naam if h.adviseur else None,
                    "van_mij": h.adviseur_id == gebruiker.id,
                }
            )
    return rows


def _inbox_filters(request: Request, gebruiker: auth.Gebruiker) -> tuple[str, str, list[Any]]:
    state = get_state(request)
    status = request.query_params.get("status", "")
    status = status if status in OPEN_STATUSSEN else ""
    keuzes = [
        (lid, naam)
        for lid, naam in state.lokets.items()
        if gebruiker.scope is None or lid in gebruiker.scope
    ]
    loket = request.query_params.get("loket", "")
    toon_geen = gebruiker.scope is None or handoffs.DEFAULT_LOKET in gebruiker.scope
    if loket not in {lid for lid, _ in keuzes} and not (loket == "geen" and toon_geen):
        loket = ""
    return status, loket, keuzes


async def inbox(request: Request) -> Response:
    """``GET /``: open hand-offs of the adviser's lokets, oldest waiting first."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        return _naar_login(request)
    status, loket, keuzes = _inbox_filters(request, gebruiker)
    rows = await run_in_threadpool(_inbox_rows, get_state(request), gebruiker, status, loket)
    query = urlencode({k: v for k, v in (("status", status), ("loket", loket)) if v})
    return _render(
        request,
        "inbox.html",
        {
            "gebruiker": gebruiker,
            "rows": rows,
            "status": status,
            "loket": loket,
            "loket_keuzes": keuzes,
            "toon_geen": gebruiker.scope is None or handoffs.DEFAULT_LOKET in gebruiker.scope,
            "fragment_url": "/inbox/rows" + (f"?{query}" if query else ""),
        },
    )


async def inbox_rows(request: Request) -> Response:
    """``GET /inbox/rows``: the inbox table body, for live refresh."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        return PlainTextResponse("Niet ingelogd.", status_code=401)
    status, loket, _ = _inbox_filters(request, gebruiker)
    rows = await run_in_threadpool(_inbox_rows, get_state(request), gebruiker, status, loket)
    return templates.TemplateResponse(request, "_inbox_rows.html", {"rows": rows})


# --- live events ------------------------------------------------------------------------


async def events(request: Request) -> Response:
    """``GET /events``: server-sent events of the adviser's lokets."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        return PlainTextResponse("Niet ingelogd.", status_code=401)
    bus = get_state(request).bus
    sub = bus.subscribe(gebruiker.scope)

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 5000\n: verbonden\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), timeout=PING_SECONDS)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                yield f"event: {event.type}\ndata: {json.dumps(event.payload())}\n\n"
        finally:
            bus.unsubscribe(sub)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


# --- hand-off page ----------------------------------------------------------------------


def _detail(
    state: ConsoleState, handoff_id: int, scope: frozenset[str] | None
) -> dict[str, Any] | None:
    now = state.now()
    with state.db.session() as session:
        h = session.scalar(select(Handoff).where(Handoff.id == handoff_id, handoffs.visible(scope)))
        if h is None:
            return None
        return {
            "id": h.id,
            "conversation_id": h.conversation_id,
            "channel": h.channel,
            "status": h.status,
            "loket_id": h.loket,
            "loket": state.lokets.get(h.loket, h.loket) if h.loket else None,
            "created_at": h.created_at,
            "claimed_at": h.claimed_at,
            "closed_at": h.closed_at,
            "wacht": wachttijd(h.created_at, h.claimed_at or h.closed_at or now),
            "adviseur_id": h.adviseur_id,
            "adviseur": h.adviseur.naam if h.adviseur else None,
            "fase": state.scan.fase_naam(h.fase),
            "onderwerpen": state.scan.onderwerpen(h.scan_antwoorden, h.focus),
            "focus": [state.scan.titel(f) for f in h.focus or []],
            "gemeente": h.gemeente,
            "provincie": h.provincie,
            "aantal_medewerkers": h.aantal_medewerkers,
            "contact_voorkeur": h.contact_voorkeur,
            "toestemming": h.toestemming,
            "naam": h.naam,
            "telefoon": h.telefoon,
            "email": h.email,
            "vraag": h.vraag,
            "gewist": h.contact_gewist_at is not None,
            "uitkomst": h.uitkomst,
            "afsluiting": h.afsluiting,
            "notities": [
                {
                    "tekst": n.tekst,
                    "created_at": n.created_at,
                    "adviseur": n.adviseur.naam if n.adviseur else "(verwijderd)",
                }
                for n in h.notities
            ],
        }


async def _transcript(state: ConsoleState, conversation_id: str) -> list[Regel] | None:
    try:
        return await state.rasa.transcript(conversation_id)
    except RasaError as exc:
        log.warning("transcript unavailable: %s", exc)
        return None


async def handoff_page(request: Request) -> Response:
    """``GET /handoffs/{id}``: everything about one hand-off, and the actions."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        return _naar_login(request)
    state = get_state(request)
    handoff_id = _id(request)
    detail = (
        await run_in_threadpool(_detail, state, handoff_id, gebruiker.scope)
        if handoff_id is not None
        else None
    )
    if detail is None:
        return _render(request, "404.html", {"gebruiker": gebruiker}, 404)
    regels = await _transcript(state, detail["conversation_id"])
    venster_dicht = venster_gesloten(detail["channel"], regels, utcnow())
    mag_afsluiten = detail["status"] == "aangevraagd" or (
        detail["status"] == "actief"
        and (detail["adviseur_id"] == gebruiker.id or gebruiker.is_admin)
    )
    return _render(
        request,
        "handoff.html",
        {
            "gebruiker": gebruiker,
            "h": detail,
            "regels": regels,
            "mag_overnemen": detail["status"] == "aangevraagd",
            "mag_antwoorden": detail["status"] == "actief"
            and detail["adviseur_id"] == gebruiker.id
            and not venster_dicht,
            "venster_dicht": VENSTER_DICHT if venster_dicht else None,
            "mag_afsluiten": mag_afsluiten,
            "snelle_antwoorden": state.snelle_antwoorden,
            "uitkomsten": UITKOMSTEN,
        },
    )


async def transcript_fragment(request: Request) -> Response:
    """``GET /handoffs/{id}/transcript``: the transcript list, for live refresh."""
    gebruiker = await _gebruiker(request)
    if gebruiker is None:
        return PlainTextResponse("Niet ingelogd.", status_code=401)
    snapshot = await _visible_snapshot(request, gebruiker)
    if snapshot is None:
        return PlainTextResponse("Niet gevonden.", status_code=404)
    regels = await _transcript(get_state(request), snapshot.conversation_id)
    return templates.TemplateResponse(request, "_transcript.html", {"regels": regels})


# --- actions ------------------------------------------------------------------------


async def overnemen(request: Request) -> Response:
    """``POST /handoffs/{id}/overnemen``: claim; Rasa first, then the database."""
    try:
        gebruiker, _, snap = await _post_target(request)
    except Weigering as refusal:
        return refusal.response
    state = get_state(request)
    if snap.status != "aangevraagd":
        _flash(request, "Deze aanvraag is al overgenomen of gesloten.")
        return _back(snap.id)
    try:
        await state.rasa.trigger(
            snap.conversation_id, "adviseur_overname", {"adviseur": gebruiker.naam}
        )
    except RasaError as exc:
        log.warning("claim of hand-off %s not delivered: %s", snap.id, exc)
        _flash(request, NIET_AFGELEVERD)
        return _back(snap.id)
    now = state.now()

    def work() -> int:
        with state.db.session() as session:
            result = session.execute(
                update(Handoff)
                .where(Handoff.id == snap.id, Handoff.status == "aangevraagd")
                .values(status="actief", adviseur_id=gebruiker.id, claimed_at=now)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    if await run_in_threadpool(work) == 0:
        _flash(request, "Iemand anders was je net voor.")
    else:
        state.bus.publish(Event("gewijzigd", snap.id, snap.loket))
        _flash(request, "Je hebt het gesprek overgenomen.", "ok")
    return _back(snap.id)


async def antwoorden(request: Request) -> Response:
    """``POST /handoffs/{id}/bericht``: the claiming adviser's reply, sent through Rasa."""
    try:
        gebruiker, form, snap = await _post_target(request)
    except Weigering as refusal:
        return refusal.response
    state = get_state(request)
    as_json = _wants_json(request)

    def fout(tekst: str, status: int) -> Response:
        if as_json:
            return JSONResponse({"fout": tekst}, status_code=status)
        _flash(request, tekst)
        return _back(snap.id)

    if snap.status != "actief" or snap.adviseur_id != gebruiker.id:
        return fout("Alleen de adviseur die het gesprek heeft overgenomen kan antwoorden.", 409)
    tekst = form.get("tekst", "").strip()
    if not tekst:
        return fout("Typ eerst een bericht.", 422)
    if len(tekst) > 4000:
        return fout("Het bericht is te lang (meer dan 4000 tekens).", 422)
    if snap.channel == WHATSAPP and venster_gesloten(
        snap.channel, await _transcript(state, snap.conversation_id), utcnow()
    ):
        return fout(VENSTER_DICHT, 409)
    try:
        await state.rasa.trigger(
            snap.conversation_id, "adviseur_bericht", {"adviseur": gebruiker.naam, "bericht": tekst}
        )
    except RasaError as exc:
        log.warning("reply in hand-off %s not delivered: %s", snap.id, exc)
        return fout(NIET_AFGELEVERD, 502)
    if as_json:
        return JSONResponse({"ok": True})
    return _back(snap.id)


async def _afsluiten(request: Request, intent: str, afsluiting: str) -> Response:
    try:
        gebruiker, form, snap = await _post_target(request)
    except Weigering as refusal:
        return refusal.response
    state = get_state(request)
    uitkomst: str | None = None
    if afsluiting == "adviseur":
        uitkomst = form.get("uitkomst", "")
        if uitkomst not in UITKOMSTEN:
            _flash(request, "Kies eerst een uitkomst.")
            return _back(snap.id)
    if snap.status not in OPEN_STATUSSEN:
        _flash(request, "Dit gesprek is al gesloten.")
        return _back(snap.id)
    if snap.status == "actief" and snap.adviseur_id != gebruiker.id and not gebruiker.is_admin:
        _flash(request, "Alleen de adviseur die het gesprek heeft overgenomen kan het sluiten.")
        return _back(snap.id)
    try:
        await state.rasa.trigger(snap.conversation_id, intent, {})
    except RasaError as exc:
        log.warning("%s of hand-off %s not delivered: %s", intent, snap.id, exc)
        _flash(request, NIET_AFGELEVERD)
        return _back(snap.id)
    now = state.now()

    def work() -> bool:
        with state.db.session() as session:
            handoff = session.get(Handoff, snap.id)
            if handoff is None or not handoff.is_open:
                return False
            handoffs.close(handoff, afsluiting, now, uitkomst)
            if handoff.adviseur_id is None:
                handoff.adviseur_id = gebruiker.id
            return True

    if await run_in_threadpool(work):
        state.bus.publish(Event("gewijzigd", snap.id, snap.loket))
        _flash(
            request,
            "Het gesprek is terug bij de bot." if afsluiting == "terug_naar_bot" else "Afgerond.",
            "ok",
        )
    else:
        _flash(request, "Dit gesprek is al gesloten.")
    return _back(snap.id)


async def terug(request: Request) -> Response:
    """``POST /handoffs/{id}/terug``: hand the conversation back to the bot."""
    return await _afsluiten(request, "adviseur_terug", "terug_naar_bot")


async def afronden(request: Request) -> Response:
    """``POST /handoffs/{id}/afronden``: close with an outcome."""
    return await _afsluiten(request, "adviseur_afgerond", "adviseur")


async def notitie(request: Request) -> Response:
    """``POST /handoffs/{id}/notities``: add an internal note."""
    try:
        gebruiker, form, snap = await _post_target(request)
    except Weigering as refusal:
        return refusal.response
    state = get_state(request)
    tekst = form.get("tekst", "").strip()
    if not tekst or len(tekst) > 4000:
        _flash(request, "Een notitie heeft 1 tot 4000 tekens.")
        return _back(snap.id)
    now = state.now()

    def work() -> None:
        with state.db.session() as session:
            session.add(
                Notitie(handoff_id=snap.id, adviseur_id=gebruiker.id, tekst=tekst, created_at=now)
            )

    await run_in_threadpool(work)
    return RedirectResponse(f"/handoffs/{snap.id}#notities", status_code=303)


def klok(moment: datetime | None) -> str:
    """HH:MM in Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%H:%M") if moment else ""


def datum_tijd(moment: datetime | None) -> str:
    """DD-MM-YYYY HH:MM in Europe/Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M") if moment else ""


templates.env.filters["klok"] = klok
templates.env.filters["datum_tijd"] = datum_tijd

routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/", inbox, methods=["GET"]),
    Route("/inbox/rows", inbox_rows, methods=["GET"]),
    Route("/events", events, methods=["GET"]),
    Route("/handoffs/{id}", handoff_page, methods=["GET"]),
    Route("/handoffs/{id}/transcript", transcript_fragment, methods=["GET"]),
    Route("/handoffs/{id}/overnemen", overnemen, methods=["POST"]),
    Route("/handoffs/{id}/bericht", antwoorden, methods=["POST"]),
    Route("/handoffs/{id}/terug", terug, methods=["POST"]),
    Route("/handoffs/{id}/afronden", afronden, methods=["POST"]),
    Route("/handoffs/{id}/notities", notitie, methods=["POST"]),
]
