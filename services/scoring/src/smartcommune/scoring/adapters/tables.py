"""The service's own table: the inbox of every source event consumed (the indicator facts).

The projections are folds of these events (`domain.facts`), so keeping the verified events —
each with its chain position, unique per chain — is keeping the projection's state in the one
form a replay rebuilds exactly. Written in the consumer's transaction with its tracking row.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

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

#: Snapshots of a commune's folded facts (`factbooks.py`): a cache of the fold of the inbox and
#: the commune's own chain up to `frontier`, rebuilt from them at will (a row of another
#: `fold_version` is ignored and overwritten). Written only by this service.
fact_snapshots = Table(
    "scoring_fact_snapshots",
    metadata,
    Column("communes", String(64), primary_key=True),
    Column("fold_version", String(80), nullable=False),
    Column("frontier", Text, nullable=False),  # JSON {"<service>/<commune>": last chain_seq}
    Column("last_day", Date, nullable=True),  # latest business date folded in
    Column("event_count", BigInteger, nullable=False),
    Column("state", LargeBinary, nullable=False),  # zlib(pickle(FactBook))
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
