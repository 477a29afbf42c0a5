"""Alembic environment for the techteams read model: the kit's `ServiceMigrations` does the work."""

from smartcommune.techteams.adapters.migrations import MIGRATIONS
from smartcommune.techteams.adapters.tables import metadata

MIGRATIONS.run_env(metadata)
