"""A service's own Alembic history, kept beside the kit's in the same database.

Every service owns tables of its own (read models, vaults) next to the kit's event store. Each
gets its own version table, so the histories never collide, and its migrations run on the kit's
engine factory: SQLite migrates inside one `BEGIN IMMEDIATE` transaction, PostgreSQL under a
transaction-scoped advisory lock, so several migration Jobs may start at once.

In the service's migrations package:

    MIGRATIONS = ServiceMigrations(Path(__file__).parent, "dossiers_alembic_version", 0x646F...)

and its `env.py` is two lines: `from . import MIGRATIONS` … `MIGRATIONS.run_env(metadata)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.engine import URL, make_url

from ..store import make_engine
from . import upgrade_to_head as upgrade_kit


@dataclass(frozen=True)
class ServiceMigrations:
    script_location: Path
    version_table: str
    #: pg_advisory_xact_lock key: fixed forever, distinct per history
    lock_key: int

    def config(self, url: str | URL) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        # Not an ini option: ConfigParser would try to interpolate a '%' in a password.
        config.attributes["url"] = make_url(url)
        return config

    def upgrade(self, url: str | URL) -> None:
        """The kit's tables first (the event store everything projects from), then ours."""
        upgrade_kit(url)
        command.upgrade(self.config(url), "head")

    def run_env(self, metadata: MetaData) -> None:
        """The body of the history's `env.py` (online migrations only)."""
        url = context.config.attributes["url"]
        if not isinstance(url, URL):
            raise TypeError("run migrations through ServiceMigrations.upgrade(url)")
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                self._run(connection, metadata)
        finally:
            engine.dispose()

    def _run(self, connection: Connection, metadata: MetaData) -> None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=self.version_table,
            transactional_ddl=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": self.lock_key}
                )
            context.run_migrations()
