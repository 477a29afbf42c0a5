"""The service's own table: the inbox of every source event consumed (the indicator facts).

The projections are folds of these events (`domain.facts`), so keeping the verified events —
each with its chain position, unique per chain — is keeping the projection's state in the one
form a replay rebuilds exactly. Written in the consumer's transaction with its tracking row.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, LargeBinary, MetaData, String, Table

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

inbox = Table(
    "scoring_inbox",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("service", String(64), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("chain_seq", BigInteger, nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Index("uq_scoring_inbox_chain", "service", "commune_code", "chain_seq", unique=True),
    Index("ix_scoring_inbox_commune", "commune_code"),
)
