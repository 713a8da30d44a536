"""Database models (SQLAlchemy 2.0, typed). All datetimes are timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSSEN = ("aangevraagd", "actief", "afgerond")
OPEN_STATUSSEN = ("aangevraagd", "actief")
CONTACT_VOORKEUREN = ("chat", "terugbellen")
UITKOMSTEN = ("doorverwezen", "afspraak_gemaakt", "geen_vervolg")
AFSLUITINGEN = ("adviseur", "terug_naar_bot", "verlopen", "gebruiker")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as UTC and always returned timezone-aware (UTC).

    PostgreSQL keeps ``timestamptz``; SQLite has no zones, so naive UTC is stored there.
    Naive datetimes are refused on the way in, so no local time can slip through.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (naive for SQLite)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migration names)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Adviseur(Base):
    """An adviser account of one or more lokets (or an admin)."""

    __tablename__ = "adviseur"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    naam: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lokets: Mapped[list[AdviseurLoket]] = relationship(
        back_populates="adviseur", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def loket_ids(self) -> frozenset[str]:
        """The ids of the lokets this adviser serves."""
        return frozenset(link.loket_id for link in self.lokets)


class AdviseurLoket(Base):
    """Which loket an adviser serves (many-to-many, loket ids come from lokets.yml)."""

    __tablename__ = "adviseur_loket"

    adviseur_id: Mapped[int] = mapped_column(
        ForeignKey("adviseur.id", ondelete="CASCADE"), primary_key=True
    )
    loket_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)

    adviseur: Mapped[Adviseur] = relationship(back_populates="lokets")


class Handoff(Base):
    """A request of an entrepreneur to talk to a person, and what became of it."""

    __tablename__ = "handoff"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSSEN), name="status"),
        CheckConstraint(_in("contact_voorkeur", CONTACT_VOORKEUREN), name="contact_voorkeur"),
        CheckConstraint(_in("uitkomst", UITKOMSTEN, nullable=True), name="uitkomst"),
        CheckConstraint(_in("afsluiting", AFSLUITINGEN, nullable=True), name="afsluiting"),
        # One open hand-off per conversation, enforced by the database too.
        Index(
            "uq_handoff_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text("status IN ('aangevraagd', 'actief')"),
            postgresql_where=text("status IN ('aangevraagd', 'actief')"),
        ),
        Index("ix_handoff_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(50))
    loket: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="aangevraagd")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    adviseur_id: Mapped[int | None] = mapped_column(ForeignKey("adviseur.id", ondelete="SET NULL"))
    scan_antwoorden: Mapped[dict[str, Any] | None]
    fase: Mapped[str | None] = mapped_column(String(50))
    focus: Mapped[list[str] | None]
    gemeente: Mapped[str | None] = mapped_column(String(100))
    provincie: Mapped[str | None] = mapped_column(String(100))
    aantal_medewerkers: Mapped[int | None]
    contact_voorkeur: Mapped[str] = mapped_column(String(20))
    toestemming: Mapped[bool] = mapped_column(Boolean, default=False)
    toestemming_at: Mapped[datetime | None]
    naam: Mapped[str | None] = mapped_column(String(100))
    telefoon: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    vraag: Mapped[str | None] = mapped_column(Text)
    uitkomst: Mapped[str | None] = mapped_column(String(30))
    afsluiting: Mapped[str | None] = mapped_column(String(30))
    contact_gewist_at: Mapped[datetime | None]

    adviseur: Mapped[Adviseur | None] = relationship(lazy="joined")
    notities: Mapped[list[Notitie]] = relationship(
        back_populates="handoff",
        cascade="all, delete-orphan",
        order_by="Notitie.created_at",
    )

    @property
    def is_open(self) -> bool:
        """True while the hand-off waits or is being handled."""
        return self.status in OPEN_STATUSSEN


class Notitie(Base):
    """An internal note of an adviser on a hand-off (never shown to the entrepreneur)."""

    __tablename__ = "notitie"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoff.id", ondelete="CASCADE"), index=True
    )
    adviseur_id: Mapped[int | None] = mapped_column(ForeignKey("adviseur.id", ondelete="SET NULL"))
    tekst: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    handoff: Mapped[Handoff] = relationship(back_populates="notities")
    adviseur: Mapped[Adviseur | None] = relationship(lazy="joined")
