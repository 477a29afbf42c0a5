"""Alembic environment for the scoring inbox: the kit's `ServiceMigrations` does the work."""

from smartcommune.scoring.adapters.migrations import MIGRATIONS
from smartcommune.scoring.adapters.tables import metadata

MIGRATIONS.run_env(metadata)
