"""Alembic environment for the identity tables, on the kit's engine factory (so SQLite runs the
migration in one `BEGIN IMMEDIATE` transaction and PostgreSQL under an advisory lock)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from smartcommune.identity.adapters.migrations import VERSION_TABLE
from smartcommune.identity.adapters.tables import metadata
from smartcommune.kit.store import make_engine

#: pg_advisory_xact_lock key, fixed forever: ASCII "identity".
_PG_LOCK_KEY = 0x6964_656E_7469_7479


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


def run_online() -> None:
    url = context.config.attributes["url"]
    assert isinstance(url, URL)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


run_online()
