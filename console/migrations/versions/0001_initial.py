"""Initial schema: adviseur, adviseur_loket, handoff, notitie.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from digiconsole.models import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status IN ('aangevraagd', 'actief')")


def upgrade() -> None:
    op.create_table(
        "adviseur",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("naam", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_adviseur"),
        sa.UniqueConstraint("email", name="uq_adviseur_email"),
    )
    op.create_table(
        "adviseur_loket",
        sa.Column("adviseur_id", sa.Integer(), nullable=False),
        sa.Column("loket_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviseur_id"],
            ["adviseur.id"],
            name="fk_adviseur_loket_adviseur_id_adviseur",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("adviseur_id", "loket_id", name="pk_adviseur_loket"),
    )
    op.create_index("ix_adviseur_loket_loket_id", "adviseur_loket", ["loket_id"])
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("loket", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("adviseur_id", sa.Integer(), nullable=True),
        sa.Column("scan_antwoorden", sa.JSON(), nullable=True),
        sa.Column("fase", sa.String(50), nullable=True),
        sa.Column("focus", sa.JSON(), nullable=True),
        sa.Column("gemeente", sa.String(100), nullable=True),
        sa.Column("provincie", sa.String(100), nullable=True),
        sa.Column("aantal_medewerkers", sa.Integer(), nullable=True),
        sa.Column("contact_voorkeur", sa.String(20), nullable=False),
        sa.Column("toestemming", sa.Boolean(), nullable=False),
        sa.Column("toestemming_at", UTCDateTime(), nullable=True),
        sa.Column("naam", sa.String(100), nullable=True),
        sa.Column("telefoon", sa.String(30), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("vraag", sa.Text(), nullable=True),
        sa.Column("uitkomst", sa.String(30), nullable=True),
        sa.Column("afsluiting", sa.String(30), nullable=True),
        sa.Column("contact_gewist_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('aangevraagd', 'actief', 'afgerond')", name="ck_handoff_status"
        ),
        sa.CheckConstraint(
            "contact_voorkeur IN ('chat', 'terugbellen')", name="ck_handoff_contact_voorkeur"
        ),
        sa.CheckConstraint(
            "uitkomst IS NULL OR uitkomst IN ('doorverwezen', 'afspraak_gemaakt', 'geen_vervolg')",
            name="ck_handoff_uitkomst",
        ),
        sa.CheckConstraint(
            "afsluiting IS NULL OR afsluiting IN "
            "('adviseur', 'terug_naar_bot', 'verlopen', 'gebruiker')",
            name="ck_handoff_afsluiting",
        ),
        sa.ForeignKeyConstraint(
            ["adviseur_id"],
            ["adviseur.id"],
            name="fk_handoff_adviseur_id_adviseur",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_handoff"),
    )
    op.create_index("ix_handoff_conversation_id", "handoff", ["conversation_id"])
    op.create_index("ix_handoff_status_created_at", "handoff", ["status", "created_at"])
    op.create_index(
        "uq_handoff_open_conversation",
        "handoff",
        ["conversation_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "notitie",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("adviseur_id", sa.Integer(), nullable=True),
        sa.Column("tekst", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["adviseur_id"],
            ["adviseur.id"],
            name="fk_notitie_adviseur_id_adviseur",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
            name="fk_notitie_handoff_id_handoff",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notitie"),
    )
    op.create_index("ix_notitie_handoff_id", "notitie", ["handoff_id"])


def downgrade() -> None:
    op.drop_table("notitie")
    op.drop_index("uq_handoff_open_conversation", table_name="handoff")
    op.drop_index("ix_handoff_status_created_at", table_name="handoff")
    op.drop_index("ix_handoff_conversation_id", table_name="handoff")
    op.drop_table("handoff")
    op.drop_index("ix_adviseur_loket_loket_id", table_name="adviseur_loket")
    op.drop_table("adviseur_loket")
    op.drop_table("adviseur")
