"""The service's own Alembic history for its tables (version table `payments_alembic_version`,
beside the kit's `kit_alembic_version` in the same database).

`migrate(url)` brings a database to head: the kit's tables first (the event store the read models
are projected from), then the service's. Idempotent; safe to run from several Jobs at once on
PostgreSQL (both histories take an advisory lock).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from smartcommune.kit.migrations.service import ServiceMigrations

MIGRATIONS = ServiceMigrations(
    script_location=Path(__file__).parent,
    version_table="payments_alembic_version",
    lock_key=0x7061_796D_656E_7401,  # ASCII "payment" followed by 0x01, fixed forever
)
VERSION_TABLE = MIGRATIONS.version_table


def migrate(url: str | URL) -> None:
    MIGRATIONS.upgrade(url)
