"""The service's own Alembic history for its read-model tables (version table
`techteams_alembic_version`, beside the kit's `kit_alembic_version` in the same database).

`migrate(url)` brings a database to head: the kit's tables first (the event store and the
consumer tracking the read model depends on), then the service's. Idempotent; safe to run from
several Jobs at once on PostgreSQL (both histories take an advisory lock).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from smartcommune.kit.migrations.service import ServiceMigrations

MIGRATIONS = ServiceMigrations(
    script_location=Path(__file__).parent,
    version_table="techteams_alembic_version",
    lock_key=0x7465_6368_7465_6101,  # ASCII "techtea" followed by 0x01, fixed forever
)
VERSION_TABLE = MIGRATIONS.version_table


def migrate(url: str | URL) -> None:
    MIGRATIONS.upgrade(url)
