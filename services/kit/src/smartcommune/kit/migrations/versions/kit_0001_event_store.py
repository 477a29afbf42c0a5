"""Event store: events, chain_heads, outbox.

Revision ID: kit_0001
Revises:
Create Date: 2026-11-23

A migration is a snapshot: it spells the tables out instead of importing `tables.py`, so later
edits to the models cannot change what this revision did. The contract tests compare the
migrated schema with `tables.metadata` to keep the two in step.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "kit_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", POSITION, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("event_version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace", sa.String(55), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint(
            "stream_id", "stream_version", name="uq_events_stream_id_stream_version"
        ),
        sa.UniqueConstraint(
            "service", "commune_code", "chain_seq", name="uq_events_service_commune_code_chain_seq"
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "chain_heads",
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("service", "commune_code", name="pk_chain_heads"),
    )
    op.create_table(
        "outbox",
        sa.Column("position", POSITION, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["position"], ["events.position"], name="fk_outbox_position_events"
        ),
        sa.PrimaryKeyConstraint("position", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["position"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("chain_heads")
    op.drop_table("events")
