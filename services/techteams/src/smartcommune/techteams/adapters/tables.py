"""The read model, in the service's own `MetaData` (migrations in `migrations/versions`).

Every table except `idempotency_keys` and the two fed by identity (`households`, `residents`)
is a projection of this service's events: written in the same transaction as the events, and
rebuildable from them (`projection.rebuild_projections`). Dates are Vietnam calendar dates.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)
_ID, _PATH = String(64), String(500)

teams = Table(
    "teams",
    metadata,
    Column("team_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", _PATH, nullable=False),
    Column("decision_number", String(64), nullable=False),
    Column("decision_date", Date, nullable=False),
    Column("leader_member_id", _ID, nullable=False),
    Column("active_members", Integer, nullable=False),
    Column("dissolved_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
)
# One team per village at a time; the backstop of the check the handler makes first.
Index(
    "uq_teams_active_village",
    teams.c.village_code,
    unique=True,
    postgresql_where=text("dissolved_on IS NULL"),
    sqlite_where=text("dissolved_on IS NULL"),
)
Index("ix_teams_unit_path", teams.c.unit_path, teams.c.team_id)

team_members = Table(
    "team_members",
    metadata,
    Column("member_id", _ID, primary_key=True),
    Column("team_id", _ID, nullable=False, index=True),
    Column("village_code", String(7), nullable=False),
    Column("role", String(32), nullable=False),
    Column("resident_id", _ID, nullable=True),
    Column("account_subject", String(36), nullable=True, index=True),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date, nullable=True),
)

tasks = Table(
    "tasks",
    metadata,
    Column("task_id", _ID, primary_key=True),
    Column("team_id", _ID, nullable=False),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", _PATH, nullable=False),
    Column("task_type", String(32), nullable=False),
    Column("target_kind", String(16), nullable=False),
    Column("target_id", _ID, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("note", String(500), nullable=True),
    Column("status", String(16), nullable=False),
    Column("assignee_member_id", _ID, nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("completed_on", Date, nullable=True),
    Column("cancel_reason", String(200), nullable=True),
    Column("created_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_tasks_team", tasks.c.team_id, tasks.c.task_id)
Index("ix_tasks_village_status", tasks.c.village_code, tasks.c.status)

household_surveys = Table(
    "household_surveys",
    metadata,
    Column("household_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False, index=True),
    Column("unit_path", _PATH, nullable=False),
    Column("surveyed_on", Date, nullable=False),
    Column("has_fibre", Boolean, nullable=False),
    Column("has_4g", Boolean, nullable=False),
    Column("smartphones", Integer, nullable=False),
    Column("working_age_members", Integer, nullable=False),
    Column("working_age_with_online_skills", Integer, nullable=False),
    Column("members_using_epayment", Integer, nullable=False),
    Column("has_digital_address", Boolean, nullable=False),
    Column("surveyed_by", _ID, nullable=True),
    Column("surveys", Integer, nullable=False),
)

facilities = Table(
    "facilities",
    metadata,
    Column("stream_id", String(64), primary_key=True),
    Column("village_code", String(7), nullable=False, index=True),
    Column("facility", String(32), nullable=False),
    Column("present", Boolean, nullable=False),
    Column("count", Integer, nullable=False),
    Column("attested_by", _ID, nullable=False),
    Column("attested_on", Date, nullable=False),
    Column("evidence_sha256", String(64), nullable=False),
    Column("note", String(500), nullable=True),
    Column("attestations", Integer, nullable=False),
)

trainings = Table(
    "trainings",
    metadata,
    Column("training_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False, index=True),
    Column("unit_path", _PATH, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("topic", String(200), nullable=False),
    Column("attendees", Integer, nullable=False),
    Column("led_by", _ID, nullable=True),
)

training_attendees = Table(
    "training_attendees",
    metadata,
    Column("training_id", _ID, primary_key=True),
    Column("resident_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False),
)
Index("ix_training_attendees_village", training_attendees.c.village_code)

# ---------------------------------------------------------------- fed by identity.events.v1
households = Table(
    "households",
    metadata,
    Column("household_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("members", Integer, nullable=False),
)
Index("ix_households_village", households.c.village_code, households.c.household_id)

residents = Table(
    "residents",
    metadata,
    Column("resident_id", _ID, primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("household_id", _ID, nullable=True),
)

# ---------------------------------------------------------------- idempotency receipts
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", String(64), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("operation", String(300), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
