"""The read model: teams and members, tasks, latest surveys and attestations, trainings, the
households identity told us about, and idempotency receipts.

Revision ID: techteams_0001
Revises:
Create Date: 2026-11-23

Spelled out rather than created from `tables.py`: a migration is a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "techteams_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_ID, _PATH, _VILLAGE = sa.String(64), sa.String(500), sa.String(7)


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("team_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("unit_path", _PATH, nullable=False),
        sa.Column("decision_number", sa.String(64), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("leader_member_id", _ID, nullable=False),
        sa.Column("active_members", sa.Integer(), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name="pk_teams"),
    )
    op.create_index(
        "uq_teams_active_village", "teams", ["village_code"], unique=True,
        postgresql_where=sa.text("dissolved_on IS NULL"),
        sqlite_where=sa.text("dissolved_on IS NULL"),
    )  # fmt: skip
    op.create_index("ix_teams_unit_path", "teams", ["unit_path", "team_id"])
    op.create_table(
        "team_members",
        sa.Column("member_id", _ID, nullable=False),
        sa.Column("team_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("resident_id", _ID, nullable=True),
        sa.Column("account_subject", sa.String(36), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("member_id", name="pk_team_members"),
    )
    op.create_index("ix_team_members_team_id", "team_members", ["team_id"])
    op.create_index("ix_team_members_account_subject", "team_members", ["account_subject"])
    op.create_table(
        "tasks",
        sa.Column("task_id", _ID, nullable=False),
        sa.Column("team_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("unit_path", _PATH, nullable=False),
        sa.Column("task_type", sa.String(32), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", _ID, nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee_member_id", _ID, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.String(200), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("task_id", name="pk_tasks"),
    )
    op.create_index("ix_tasks_team", "tasks", ["team_id", "task_id"])
    op.create_index("ix_tasks_village_status", "tasks", ["village_code", "status"])
    op.create_table(
        "household_surveys",
        sa.Column("household_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("unit_path", _PATH, nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("has_fibre", sa.Boolean(), nullable=False),
        sa.Column("has_4g", sa.Boolean(), nullable=False),
        sa.Column("smartphones", sa.Integer(), nullable=False),
        sa.Column("working_age_members", sa.Integer(), nullable=False),
        sa.Column("working_age_with_online_skills", sa.Integer(), nullable=False),
        sa.Column("members_using_epayment", sa.Integer(), nullable=False),
        sa.Column("has_digital_address", sa.Boolean(), nullable=False),
        sa.Column("surveyed_by", _ID, nullable=True),
        sa.Column("surveys", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name="pk_household_surveys"),
    )
    op.create_index("ix_household_surveys_village_code", "household_surveys", ["village_code"])
    op.create_table(
        "facilities",
        sa.Column("stream_id", sa.String(64), nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("facility", sa.String(32), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("attested_by", _ID, nullable=False),
        sa.Column("attested_on", sa.Date(), nullable=False),
        sa.Column("evidence_sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("attestations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("stream_id", name="pk_facilities"),
    )
    op.create_index("ix_facilities_village_code", "facilities", ["village_code"])
    op.create_table(
        "trainings",
        sa.Column("training_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("unit_path", _PATH, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("led_by", _ID, nullable=True),
        sa.PrimaryKeyConstraint("training_id", name="pk_trainings"),
    )
    op.create_index("ix_trainings_village_code", "trainings", ["village_code"])
    op.create_table(
        "training_attendees",
        sa.Column("training_id", _ID, nullable=False),
        sa.Column("resident_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.PrimaryKeyConstraint("training_id", "resident_id", name="pk_training_attendees"),
    )
    op.create_index("ix_training_attendees_village", "training_attendees", ["village_code"])
    op.create_table(
        "households",
        sa.Column("household_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name="pk_households"),
    )
    op.create_index("ix_households_village", "households", ["village_code", "household_id"])
    op.create_table(
        "residents",
        sa.Column("resident_id", _ID, nullable=False),
        sa.Column("village_code", _VILLAGE, nullable=False),
        sa.Column("household_id", _ID, nullable=True),
        sa.PrimaryKeyConstraint("resident_id", name="pk_residents"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("operation", sa.String(300), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", name="pk_idempotency_keys"),
    )


def downgrade() -> None:
    for table in (
        "idempotency_keys", "residents", "households", "training_attendees", "trainings",
        "facilities", "household_surveys", "tasks", "team_members", "teams",
    ):  # fmt: skip
        op.drop_table(table)
