"""The read model: one summary row per dossier.

Revision ID: dossiers_0001
Revises:
Create Date: 2026-11-24

Spelled out rather than created from `tables.py`: a migration is a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "dossiers_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dossier_summaries",
        sa.Column("dossier_id", sa.String(64), nullable=False),
        sa.Column("dossier_number", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("unit_path", sa.String(500), nullable=False),
        sa.Column("procedure_code", sa.String(40), nullable=True),
        sa.Column("procedure_name", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("receiving_unit", sa.String(200), nullable=False),
        sa.Column("fee_vnd", sa.BigInteger(), nullable=False),
        sa.Column("applicant_ref", sa.String(64), nullable=True),
        sa.Column("applicant_type", sa.String(16), nullable=True),
        sa.Column("applicant_home_commune", sa.String(5), nullable=True),
        sa.Column("applicant_village", sa.String(7), nullable=True),
        sa.Column("handling_department", sa.String(200), nullable=True),
        sa.Column("handling_officer_ref", sa.String(64), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", _TZ, nullable=False),
        sa.Column("submitted_date", sa.Date(), nullable=False),
        sa.Column("received_at", _TZ, nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("paused_days", sa.Integer(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("closed_at", _TZ, nullable=True),
        sa.Column("resolved_at", _TZ, nullable=True),
        sa.Column("resolved_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("processing_days", sa.Integer(), nullable=True),
        sa.Column("returned_at", _TZ, nullable=True),
        sa.Column("rated_at", _TZ, nullable=True),
        sa.Column("rated_date", sa.Date(), nullable=True),
        sa.Column("satisfaction", sa.String(16), nullable=True),
        sa.Column("last_event_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("dossier_id", name="pk_dossier_summaries"),
    )
    table = "dossier_summaries"
    op.create_index(
        "ix_dossier_summaries_listing", table, ["unit_path", "submitted_at", "dossier_id"]
    )
    op.create_index("ix_dossier_summaries_submitted", table, ["commune_code", "submitted_date"])
    op.create_index("ix_dossier_summaries_resolved", table, ["commune_code", "resolved_date"])
    op.create_index("ix_dossier_summaries_rated", table, ["commune_code", "rated_date"])


def downgrade() -> None:
    op.drop_table("dossier_summaries")
