"""Alembic environment for the payments tables: the kit's `ServiceMigrations` does the work."""

from smartcommune.payments.adapters.migrations import MIGRATIONS
from smartcommune.payments.adapters.tables import metadata

MIGRATIONS.run_env(metadata)
