"""Alembic environment for the dossiers read model: the kit's `ServiceMigrations` does the work."""

from smartcommune.dossiers.adapters.migrations import MIGRATIONS
from smartcommune.dossiers.adapters.tables import metadata

MIGRATIONS.run_env(metadata)
