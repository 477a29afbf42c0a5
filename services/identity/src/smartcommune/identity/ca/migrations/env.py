"""Alembic environment for the CA's tables: the kit's `ServiceMigrations` does the work."""

from smartcommune.identity.ca.migrations import MIGRATIONS
from smartcommune.identity.ca.tables import metadata

MIGRATIONS.run_env(metadata)
