"""The CA's own Alembic history (version table `identity_ca_alembic_version`).

Kept apart from the rest of the identity service's tables so the CA can be migrated, reviewed
and one day moved (to its own database or an HSM-backed deployment) on its own. `migrate_ca(url)`
runs the kit's event-store migrations first — certificates and their events share transactions.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL

from smartcommune.kit.migrations.service import ServiceMigrations

MIGRATIONS = ServiceMigrations(
    script_location=Path(__file__).parent,
    version_table="identity_ca_alembic_version",
    lock_key=0x6964_656E_742D_6361,  # ASCII "ident-ca", fixed forever
)
VERSION_TABLE = MIGRATIONS.version_table


def migrate_ca(url: str | URL) -> None:
    MIGRATIONS.upgrade(url)
