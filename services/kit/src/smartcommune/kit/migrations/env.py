"""Alembic environment for the kit's tables, on any database URL.

Uses the kit's own engine factory, so SQLite migrations run inside a real `BEGIN IMMEDIATE`
transaction (transactional DDL: a failed migration leaves nothing half-done) and PostgreSQL ones
take an advisory lock, so two migration Jobs started together apply each revision once.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

# The consumer package adds its tracking table to `metadata`: imported so that every kit table
# is declared whatever the caller imported (autogenerate and the schema contract tests).
import smartcommune.kit.consumer.tables  # noqa: F401
from smartcommune.kit.migrations import VERSION_TABLE, database_url
from smartcommune.kit.store.engine import make_engine
from smartcommune.kit.store.tables import metadata

#: pg_advisory_xact_lock key, fixed forever: ASCII "smkit" followed by 0x000001.
_PG_LOCK_KEY = 0x736D_6B69_7400_0001


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=database_url(context.config),
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _run(given)
        return
    engine = make_engine(database_url(context.config))
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
