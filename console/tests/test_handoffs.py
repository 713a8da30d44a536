"""Retention: purge clears old personal data and leaves recent data alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from digiconsole import handoffs
from digiconsole.db import Database
from digiconsole.models import Notitie, utcnow

from .conftest import add_adviseur, add_handoff, get_handoff

CONTACT = {
    "toestemming": True,
    "naam": "Anna",
    "telefoon": "0612345678",
    "email": "a@b.nl",
    "vraag": "hulp",
}


def test_purge(db: Database) -> None:
    now = utcnow()
    adviseur = add_adviseur(db, "a@ibdo.nl", "Anouk", ["ibdo"])
    closed_old = add_handoff(
        db,
        status="afgerond",
        afsluiting="adviseur",
        closed_at=now - timedelta(days=31),
        created_at=now - timedelta(days=40),
        **CONTACT,
    )
    closed_recent = add_handoff(
        db,
        status="afgerond",
        afsluiting="adviseur",
        closed_at=now - timedelta(days=29),
        created_at=now - timedelta(days=40),
        **CONTACT,
    )
    open_old = add_handoff(
        db, contact_voorkeur="terugbellen", created_at=now - timedelta(days=31), **CONTACT
    )
    open_recent = add_handoff(db, created_at=now - timedelta(days=1), **CONTACT)
    with db.session() as session:
        session.add(
            Notitie(handoff_id=closed_old, adviseur_id=adviseur, tekst="06-nummer", created_at=now)
        )
        session.add(
            Notitie(handoff_id=closed_recent, adviseur_id=adviseur, tekst="blijft", created_at=now)
        )
    with db.session() as session:
        assert handoffs.purge(session, now, 30) == 2
    for cleared in (closed_old, open_old):
        h = get_handoff(db, cleared)
        assert (h.naam, h.telefoon, h.email, h.vraag) == (None, None, None, None)
        assert h.contact_gewist_at is not None
    for kept in (closed_recent, open_recent):
        h = get_handoff(db, kept)
        assert (h.naam, h.telefoon, h.email, h.vraag) == ("Anna", "0612345678", "a@b.nl", "hulp")
        assert h.contact_gewist_at is None
    with db.session() as session:
        assert session.scalars(select(Notitie.tekst)).all() == ["blijft"]
        assert handoffs.purge(session, now, 30) == 0  # nothing left to clear
