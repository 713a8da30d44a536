"""Models and the migration, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from digiconsole.db import Database, make_engine, migrate
from digiconsole.models import Adviseur, AdviseurLoket, Base, Handoff, Notitie, utcnow

from .conftest import add_adviseur, add_handoff, get_handoff


def test_upgrade_head_on_an_empty_database(empty_db_url: str) -> None:
    migrate(empty_db_url)
    migrate(empty_db_url)  # a second run is a no-op
    engine = make_engine(empty_db_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"adviseur", "adviseur_loket", "handoff", "notitie", "alembic_version"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], "models and migration 0001 differ"
    finally:
        engine.dispose()


def test_relationships(db: Database) -> None:
    anouk = add_adviseur(db, "anouk@ibdo.nl", "Anouk", ["ibdo", "kvk"])
    handoff_id = add_handoff(db, adviseur_id=anouk, status="actief", claimed_at=utcnow())
    with db.session() as session:
        session.add(
            Notitie(handoff_id=handoff_id, adviseur_id=anouk, tekst="a", created_at=utcnow())
        )
    with db.session() as session:
        adviseur = session.get(Adviseur, anouk)
        assert adviseur is not None
        assert adviseur.loket_ids == {"ibdo", "kvk"}
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        assert handoff.adviseur is not None
        assert handoff.adviseur.naam == "Anouk"
        assert [n.tekst for n in handoff.notities] == ["a"]
        assert handoff.notities[0].adviseur is adviseur
        session.delete(adviseur)
    with db.session() as session:
        assert session.scalars(select(AdviseurLoket)).all() == []  # cascade
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        assert handoff.adviseur_id is None


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(Notitie(handoff_id=12345, tekst="x", created_at=utcnow()))


def test_one_open_hand_off_per_conversation(db: Database) -> None:
    add_handoff(db, conversation_id="c1")
    add_handoff(
        db, conversation_id="c1", status="afgerond", closed_at=utcnow(), afsluiting="gebruiker"
    )
    with pytest.raises(IntegrityError):
        add_handoff(db, conversation_id="c1", status="actief")


def test_status_values_are_checked(db: Database) -> None:
    with pytest.raises(IntegrityError):
        add_handoff(db, status="zoek")
    with pytest.raises(IntegrityError):
        add_handoff(db, afsluiting="zomaar")


def test_datetimes_are_aware_utc(db: Database) -> None:
    amsterdam = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=amsterdam)
    handoff_id = add_handoff(db, created_at=moment)
    stored = get_handoff(db, handoff_id).created_at
    assert stored == moment
    assert stored.tzinfo is not None
    assert stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with db.session() as session:
        found = session.scalars(
            select(Handoff.id).where(Handoff.created_at < datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
        ).all()
    assert found == [handoff_id]


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        add_handoff(db, created_at=datetime(2026, 1, 1))
