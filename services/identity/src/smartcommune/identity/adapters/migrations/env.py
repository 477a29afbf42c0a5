"""Alembic environment for the identity vault and read model (see `ServiceMigrations`)."""

from smartcommune.identity.adapters.migrations import MIGRATIONS
from smartcommune.identity.adapters.tables import metadata

MIGRATIONS.run_env(metadata)
