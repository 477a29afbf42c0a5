"""The service's own Alembic history for its tables (version table `identity_alembic_version`,
beside the kit's `kit_alembic_version` in the same database).

`migrate(url)` brings a database to head: the kit's event store first (the read model is
projected from it), then the vault and the read model. Idempotent; safe to run from several
Jobs at once on PostgreSQL (both histories take an advisory lock).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from smartcommune.kit.migrations.service import ServiceMigrations

MIGRATIONS = ServiceMigrations(
    script_location=Path(__file__).parent,
    version_table="identity_alembic_version",
    lock_key=0x6964_656E_7469_7479,  # ASCII "identity", fixed forever
)
VERSION_TABLE = MIGRATIONS.version_table


def migrate(url: str | URL) -> None:
    MIGRATIONS.upgrade(url)
