"""Hand-off rules shared by the service API, the console pages, the tasks and the CLI.

Every function takes an open SQLAlchemy session (one unit of work) and does not commit:
the caller's ``Database.session()`` block does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import (
    CONTACT_VOORKEUREN,
    OPEN_STATUSSEN,
    Adviseur,
    AdviseurLoket,
    Handoff,
    Notitie,
)
from .scan import ScanInfo

DEFAULT_LOKET = "kvk"  # serves hand-offs whose loket is not known yet
_CHANNEL = re.compile(r"^[a-z0-9_.-]{1,50}$")
LIMITS = {"gemeente": 100, "provincie": 100, "naam": 100, "telefoon": 30, "email": 254}
CONTACT_FIELDS = ("naam", "telefoon", "email")
FIELDS = {
    "conversation_id",
    "channel",
    "loket",
    "fase",
    "scan_antwoorden",
    "focus",
    "gemeente",
    "provincie",
    "aantal_medewerkers",
    "contact_voorkeur",
    "toestemming",
    "naam",
    "telefoon",
    "email",
    "vraag",
}


class ValidationError(ValueError):
    """A request body is invalid; ``detail`` names the field (for operators, in English)."""

    def __init__(self, field: str, message: str) -> None:
        """Name the field and what is wrong with it."""
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = f"{field}: {message}"


@dataclass(frozen=True)
class Beschikbaarheid:
    """Whether an adviser can be expected now, and why not."""

    beschikbaar: bool
    reden: str  # open | buiten_kantooruren | geen_adviseurs


def _opt_str(body: dict[str, Any], name: str, limit: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "must be a string or null")
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(name, f"longer than {limit} characters")
    return value or None


def validate_request(body: Any, lokets: dict[str, str], scan: ScanInfo) -> dict[str, Any]:
    """Check the body of ``POST /api/handoffs`` and return clean column values.

    Raises:
        ValidationError: naming the first bad field.
    """
    if not isinstance(body, dict):
        raise ValidationError("body", "must be a JSON object")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ValidationError(unknown[0], "unknown field")
    out: dict[str, Any] = {}
    conversation_id = body.get("conversation_id")
    if not isinstance(conversation_id, str) or not conversation_id.strip():
        raise ValidationError("conversation_id", "required, a non-empty string")
    if len(conversation_id) > 255:
        raise ValidationError("conversation_id", "longer than 255 characters")
    out["conversation_id"] = conversation_id
    channel = body.get("channel")
    if not isinstance(channel, str) or not _CHANNEL.match(channel):
        raise ValidationError("channel", "required, e.g. 'socketio', 'rest' or 'whatsapp'")
    out["channel"] = channel
    voorkeur = body.get("contact_voorkeur")
    if voorkeur not in CONTACT_VOORKEUREN:
        raise ValidationError("contact_voorkeur", "required, 'chat' or 'terugbellen'")
    out["contact_voorkeur"] = voorkeur
    loket = body.get("loket")
    if loket is not None and (not isinstance(loket, str) or loket not in lokets):
        raise ValidationError("loket", f"unknown loket id {loket!r}")
    out["loket"] = loket
    fase = body.get("fase")
    if fase is not None and (not isinstance(fase, str) or fase not in scan.fases):
        raise ValidationError("fase", f"unknown phase {fase!r}")
    out["fase"] = fase
    antwoorden = body.get("scan_antwoorden")
    if antwoorden is not None:
        if not isinstance(antwoorden, dict):
            raise ValidationError("scan_antwoorden", "must be an object or null")
        for key, letter in antwoorden.items():
            if key not in scan.vraag_ids:
                raise ValidationError("scan_antwoorden", f"unknown question id {key!r}")
            if letter not in ("A", "B", "C", "D", "E", "F"):
                raise ValidationError("scan_antwoorden", f"{key}: expected a letter A-F")
        antwoorden = dict(antwoorden) or None
    out["scan_antwoorden"] = antwoorden
    focus = body.get("focus")
    if focus is not None:
        if not isinstance(focus, list) or not all(f in scan.vraag_ids for f in focus):
            raise ValidationError("focus", "must be a list of question ids or null")
        focus = list(dict.fromkeys(focus)) or None
    out["focus"] = focus
    aantal = body.get("aantal_medewerkers")
    if aantal is not None and (
        isinstance(aantal, bool) or not isinstance(aantal, int) or not 0 <= aantal <= 10**6
    ):
        raise ValidationError("aantal_medewerkers", "must be a whole number >= 0 or null")
    out["aantal_medewerkers"] = aantal
    for name, limit in LIMITS.items():
        out[name] = _opt_str(body, name, limit)
    out["vraag"] = _opt_str(body, "vraag", 4000)
    toestemming = body.get("toestemming")
    if toestemming is not None and not isinstance(toestemming, bool):
        raise ValidationError("toestemming", "must be true, false or null")
    out["toestemming"] = toestemming is True
    given = [f for f in CONTACT_FIELDS if out[f]]
    if given and not out["toestemming"]:
        raise ValidationError(given[0], "contact details need 'toestemming': true")
    if out["email"] and "@" not in out["email"]:
        raise ValidationError("email", "not an e-mail address")
    return out


def visible(scope: frozenset[str] | None) -> ColumnElement[bool]:
    """SQL condition: the hand-offs an adviser with loket ``scope`` may see (None: all)."""
    if scope is None:
        return true()
    known = Handoff.loket.in_(sorted(scope)) if scope else false()
    if DEFAULT_LOKET in scope:
        return or_(known, Handoff.loket.is_(None))
    return known


def beschikbaarheid(session: Session, loket: str | None, open_now: bool) -> Beschikbaarheid:
    """Whether an adviser can take the request now (office hours, adviser accounts)."""
    if not open_now:
        return Beschikbaarheid(False, "buiten_kantooruren")
    if not advisers_for(session, loket):
        return Beschikbaarheid(False, "geen_adviseurs")
    return Beschikbaarheid(True, "open")


def advisers_for(session: Session, loket: str | None) -> list[Adviseur]:
    """The active advisers who serve a loket (for no loket: kvk advisers and admins)."""
    served = select(AdviseurLoket.adviseur_id).where(
        AdviseurLoket.loket_id == (loket or DEFAULT_LOKET)
    )
    condition: ColumnElement[bool] = Adviseur.id.in_(served)
    if loket is None:
        condition = or_(condition, Adviseur.is_admin.is_(True))
    return list(session.scalars(select(Adviseur).where(Adviseur.actief.is_(True), condition)).all())


def open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    """The open hand-off of a conversation, if any."""
    return session.scalar(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSSEN)
        )
    )


def create_or_get(session: Session, values: dict[str, Any], now: datetime) -> tuple[Handoff, bool]:
    """Create a hand-off, or return the open one of the same conversation.

    A unique partial index guards against two simultaneous requests; the loser of that
    race gets the winner's record.

    Returns:
        The hand-off and whether it was created.
    """
    existing = open_handoff(session, values["conversation_id"])
    if existing is not None:
        return existing, False
    handoff = Handoff(
        **values,
        status="aangevraagd",
        created_at=now,
        toestemming_at=now if values["toestemming"] else None,
    )
    try:
        with session.begin_nested():
            session.add(handoff)
            session.flush()
    except IntegrityError:
        existing = open_handoff(session, values["conversation_id"])
        if existing is None:
            raise
        return existing, False
    return handoff, True


def close(handoff: Handoff, afsluiting: str, now: datetime, uitkomst: str | None = None) -> None:
    """Close a hand-off with how it ended (and the outcome, when an adviser closed it)."""
    handoff.status = "afgerond"
    handoff.afsluiting = afsluiting
    handoff.closed_at = now
    if uitkomst is not None:
        handoff.uitkomst = uitkomst


def clear_contact(handoff: Handoff, now: datetime) -> None:
    """Clear the personal data of a hand-off and record when."""
    handoff.naam = None
    handoff.telefoon = None
    handoff.email = None
    handoff.vraag = None
    handoff.contact_gewist_at = now


def delete_personal_data(session: Session, conversation_id: str, now: datetime) -> int:
    """Clear contact details, the user's words and notes of every hand-off of a conversation.

    Returns:
        How many hand-offs were cleared.
    """
    handoffs = list(
        session.scalars(select(Handoff).where(Handoff.conversation_id == conversation_id))
    )
    for handoff in handoffs:
        clear_contact(handoff, now)
    if handoffs:
        session.execute(delete(Notitie).where(Notitie.handoff_id.in_([h.id for h in handoffs])))
    return len(handoffs)


def purge(session: Session, now: datetime, days: int) -> int:
    """Clear personal data of hand-offs closed (or, when still open, created) > ``days`` ago.

    Notes are deleted too: they may hold personal data.

    Returns:
        How many hand-offs were cleared now.
    """
    cutoff = now - timedelta(days=days)
    old = or_(
        and_(Handoff.closed_at.is_not(None), Handoff.closed_at < cutoff),
        and_(Handoff.closed_at.is_(None), Handoff.created_at < cutoff),
    )
    has_data = or_(
        Handoff.naam.is_not(None),
        Handoff.telefoon.is_not(None),
        Handoff.email.is_not(None),
        Handoff.vraag.is_not(None),
        Handoff.notities.any(),
    )
    ids = list(session.scalars(select(Handoff.id).where(old, has_data)))
    if not ids:
        return 0
    session.execute(delete(Notitie).where(Notitie.handoff_id.in_(ids)))
    session.execute(
        update(Handoff)
        .where(Handoff.id.in_(ids))
        .values(naam=None, telefoon=None, email=None, vraag=None, contact_gewist_at=now)
        .execution_options(synchronize_session=False)
    )
    return len(ids)
