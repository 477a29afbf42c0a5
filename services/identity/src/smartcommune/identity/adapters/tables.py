"""The service's own tables, in its own `MetaData` (the kit keeps the event store's).

Two kinds, kept apart on purpose:

- the **vault** (`resident_keys`, `resident_personal_data`): the only place personal data
  exists, encrypted; erasure deletes the resident's key row and clears the data row;
- the **read model** (`resident_summaries`, `household_summaries`, `village_counts`):
  pseudonymous projections of the events, written in the same transaction as each append and
  rebuildable from the events at any time (`projection.rebuild_read_model`).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, LargeBinary, MetaData, String, Table

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)
_TZ = DateTime(timezone=True)

# ---------------------------------------------------------------- vault
resident_keys = Table(
    "resident_keys",
    metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("key_id", String(32), nullable=False),  # the master key that wrapped it
    Column("wrapped_dek", LargeBinary, nullable=False),
    Column("created_at", _TZ, nullable=False),
)

resident_personal_data = Table(
    "resident_personal_data",
    metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=True),  # NULL once erased
    Column("blind_index", String(64), nullable=True, unique=True),  # NULL once erased
    Column("updated_at", _TZ, nullable=False),
    Column("erased_at", _TZ, nullable=True),
)

# ---------------------------------------------------------------- read model
resident_summaries = Table(
    "resident_summaries",
    metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("commune_code", String(5), nullable=False),
    Column("village_code", String(7), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("household_id", String(64), nullable=True),
    Column("birth_year", Integer, nullable=False),
    Column("vneid_level", String(16), nullable=False),
    Column("vneid_changed_on", Date, nullable=True),
    Column("vneid_source", String(32), nullable=True),
    Column("registered_at", _TZ, nullable=False),
    Column("erased_at", _TZ, nullable=True),
    Column("version", Integer, nullable=False),
)
Index(
    "ix_resident_summaries_listing",
    resident_summaries.c.unit_path,
    resident_summaries.c.resident_id,
)

household_summaries = Table(
    "household_summaries",
    metadata,
    Column("household_id", String(64), primary_key=True),
    Column("commune_code", String(5), nullable=False),
    Column("village_code", String(7), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("member_count", Integer, nullable=False),
    Column("registered_at", _TZ, nullable=False),
    Column("version", Integer, nullable=False),
)
Index(
    "ix_household_summaries_listing",
    household_summaries.c.unit_path,
    household_summaries.c.household_id,
)

#: The figures the indicators need, per village; counted as the events are projected.
village_counts = Table(
    "village_counts",
    metadata,
    Column("village_code", String(7), primary_key=True),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("residents", Integer, nullable=False),
    Column("vneid_level_2", Integer, nullable=False),
    Column("households", Integer, nullable=False),
)
Index("ix_village_counts_unit_path", village_counts.c.unit_path)
