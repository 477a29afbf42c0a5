"""The service's own Alembic history (version table `scoring_alembic_version`), run after the
kit's: `migrate(url)` is idempotent and safe from several Jobs at once on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from smartcommune.kit.migrations.service import ServiceMigrations

MIGRATIONS = ServiceMigrations(
    script_location=Path(__file__).parent,
    version_table="scoring_alembic_version",
    lock_key=0x7363_6F72_696E_6701,  # ASCII "scoring" followed by 0x01, fixed forever
)


def migrate(url: str | URL) -> None:
    MIGRATIONS.upgrade(url)
