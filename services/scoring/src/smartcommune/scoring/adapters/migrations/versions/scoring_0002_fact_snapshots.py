"""Snapshots of the folded facts per commune (an incremental cache of the inbox's fold).

Revision ID: scoring_0002
Revises: scoring_0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "scoring_0002"
down_revision: str | None = "scoring_0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "scoring_fact_snapshots",
        sa.Column("communes", sa.String(64), nullable=False),
        sa.Column("fold_version", sa.String(80), nullable=False),
        sa.Column("frontier", sa.Text(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("event_count", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("communes", name="pk_scoring_fact_snapshots"),
    )


def downgrade() -> None:
    op.drop_table("scoring_fact_snapshots")
