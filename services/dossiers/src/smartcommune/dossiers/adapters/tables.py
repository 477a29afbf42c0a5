"""The read model: one summary row per dossier, kept in the service's own `MetaData`.

It is a projection — every column is derived from the dossier's events (through the aggregate's
`_apply`), written in the same transaction as the events and rebuildable from them at any time
(`projection.rebuild_projections`). Dates (`*_date`) are Vietnam calendar dates, precomputed so
that statistics filter and group with plain indexed comparisons on every database. Times are
stored in UTC.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

dossier_summaries = Table(
    "dossier_summaries",
    metadata,
    Column("dossier_id", String(64), primary_key=True),
    Column("dossier_number", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("procedure_code", String(40), nullable=True),
    Column("procedure_name", String(200), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("receiving_unit", String(200), nullable=False),
    Column("fee_vnd", BigInteger, nullable=False),
    Column("applicant_ref", String(64), nullable=True),
    Column("applicant_type", String(16), nullable=True),
    Column("applicant_home_commune", String(5), nullable=True),
    Column("applicant_village", String(7), nullable=True),
    Column("handling_department", String(200), nullable=True),
    Column("handling_officer_ref", String(64), nullable=True),
    Column("status", String(24), nullable=False),
    Column("version", Integer, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("submitted_date", Date, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=True),
    Column("due_date", Date, nullable=True),
    Column("paused_days", Integer, nullable=False),
    Column("extensions", Integer, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("resolved_at", DateTime(timezone=True), nullable=True),
    Column("resolved_date", Date, nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("on_time", Boolean, nullable=True),
    Column("processing_days", Integer, nullable=True),
    Column("returned_at", DateTime(timezone=True), nullable=True),
    Column("rated_at", DateTime(timezone=True), nullable=True),
    Column("rated_date", Date, nullable=True),
    Column("satisfaction", String(16), nullable=True),
    Column("last_event_at", DateTime(timezone=True), nullable=False),
)

# The list endpoint pages newest first within a unit subtree; statistics filter a commune's
# dossiers by the date each figure is counted on.
Index(
    "ix_dossier_summaries_listing",
    dossier_summaries.c.unit_path,
    dossier_summaries.c.submitted_at,
    dossier_summaries.c.dossier_id,
)
Index(
    "ix_dossier_summaries_submitted",
    dossier_summaries.c.commune_code,
    dossier_summaries.c.submitted_date,
)
Index(
    "ix_dossier_summaries_resolved",
    dossier_summaries.c.commune_code,
    dossier_summaries.c.resolved_date,
)
Index(
    "ix_dossier_summaries_rated", dossier_summaries.c.commune_code, dossier_summaries.c.rated_date
)
