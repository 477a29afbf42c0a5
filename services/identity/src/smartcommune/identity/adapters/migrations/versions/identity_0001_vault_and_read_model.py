"""The personal-data vault and the pseudonymous read model.

Revision ID: identity_0001
Revises:
Create Date: 2026-11-25

Spelled out rather than created from `tables.py`: a migration is a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "identity_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "resident_keys",
        sa.Column("resident_id", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("wrapped_dek", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("resident_id", name="pk_resident_keys"),
    )
    op.create_table(
        "resident_personal_data",
        sa.Column("resident_id", sa.String(64), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("blind_index", sa.String(64), nullable=True),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("erased_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("resident_id", name="pk_resident_personal_data"),
        sa.UniqueConstraint("blind_index", name="uq_resident_personal_data_blind_index"),
    )
    op.create_table(
        "resident_summaries",
        sa.Column("resident_id", sa.String(64), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("village_code", sa.String(7), nullable=False),
        sa.Column("unit_path", sa.String(500), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("vneid_level", sa.String(16), nullable=False),
        sa.Column("vneid_changed_on", sa.Date(), nullable=True),
        sa.Column("vneid_source", sa.String(32), nullable=True),
        sa.Column("registered_at", _TZ, nullable=False),
        sa.Column("erased_at", _TZ, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("resident_id", name="pk_resident_summaries"),
    )
    op.create_index(
        "ix_resident_summaries_listing", "resident_summaries", ["unit_path", "resident_id"]
    )
    op.create_table(
        "household_summaries",
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("village_code", sa.String(7), nullable=False),
        sa.Column("unit_path", sa.String(500), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("registered_at", _TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name="pk_household_summaries"),
    )
    op.create_index(
        "ix_household_summaries_listing", "household_summaries", ["unit_path", "household_id"]
    )
    op.create_table(
        "village_counts",
        sa.Column("village_code", sa.String(7), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("unit_path", sa.String(500), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("vneid_level_2", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", name="pk_village_counts"),
    )
    op.create_index("ix_village_counts_unit_path", "village_counts", ["unit_path"])


def downgrade() -> None:
    for table in (
        "village_counts", "household_summaries", "resident_summaries",
        "resident_personal_data", "resident_keys",
    ):  # fmt: skip
        op.drop_table(table)
