"""Consumer tracking: one row per message a consumer applied or dead-lettered.

Revision ID: kit_0002
Revises: kit_0001
Create Date: 2026-11-24

Spelled out rather than imported from `consumer/tables.py`, like every revision: a migration is
a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "kit_0002"
down_revision: str | None = "kit_0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "consumer_tracking",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(249), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "consumer", "topic", "partition", "offset", name="pk_consumer_tracking"
        ),
        sa.UniqueConstraint("consumer", "event_id", name="uq_consumer_tracking_consumer_event_id"),
    )


def downgrade() -> None:
    op.drop_table("consumer_tracking")
