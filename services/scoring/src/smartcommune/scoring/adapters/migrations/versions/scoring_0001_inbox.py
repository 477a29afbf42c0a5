"""The inbox of consumed source events.

Revision ID: scoring_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "scoring_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "scoring_inbox",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("chain_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_scoring_inbox"),
    )
    op.create_index(
        "uq_scoring_inbox_chain", "scoring_inbox", ["service", "commune_code", "chain_seq"],
        unique=True,
    )  # fmt: skip
    op.create_index("ix_scoring_inbox_commune", "scoring_inbox", ["commune_code"])


def downgrade() -> None:
    op.drop_table("scoring_inbox")
