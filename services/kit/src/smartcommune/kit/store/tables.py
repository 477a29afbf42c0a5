"""The kit's tables: events, per-chain heads, and the outbox.

They live in the kit's own `metadata`; a service keeps its tables in its own `MetaData` (and its
own Alembic history), so the two schemas evolve independently inside one database.

* `events` — one row per event. `body` holds the canonical bytes exactly as hashed: stored as
  binary so no database encoding or JSON type can ever re-encode them. The other columns are
  copies for indexing and routing only. `position` is a global, never-reused order.
* `chain_heads` — the last (seq, hash) of each (service, commune) chain. Writers lock this row,
  which is what serialises appends to one chain on PostgreSQL.
* `outbox` — one row per event until the relay has published it (`published_at`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

#: Constraint names are spelled out so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: BIGINT on PostgreSQL; on SQLite only `INTEGER PRIMARY KEY` is the auto-incrementing rowid.
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("service", String(64), nullable=False),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("chain_seq", BigInteger, nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("event_version", Integer, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("trace", String(55), nullable=True),
    Column("body", LargeBinary, nullable=False),
    UniqueConstraint("stream_id", "stream_version"),
    UniqueConstraint("service", "commune_code", "chain_seq"),
    # AUTOINCREMENT: SQLite never hands out a position again, even after the last row is gone.
    sqlite_autoincrement=True,
)

chain_heads = Table(
    "chain_heads",
    metadata,
    Column("service", String(64), primary_key=True),
    Column("commune_code", String(5), primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("position", Position, ForeignKey(events.c.position), primary_key=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
)

# The relay asks "unpublished, in position order" all the time; published rows pile up, so only
# the unpublished ones are indexed (a partial index on both databases).
Index(
    "ix_outbox_unpublished",
    outbox.c.position,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)
