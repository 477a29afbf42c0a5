"""Alembic environment for the dossiers read model, on the kit's engine factory (so SQLite runs
the migration in one `BEGIN IMMEDIATE` transaction and PostgreSQL under an advisory lock)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL

from smartcommune.dossiers.adapters.migrations import VERSION_TABLE
from smartcommune.dossiers.adapters.tables import metadata
from smartcommune.kit.store import make_engine

#: pg_advisory_xact_lock key, fixed forever: ASCII "dossier" followed by 0x01.
_PG_LOCK_KEY = 0x646F_7373_6965_7201


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
