"""The service's own Alembic history for its read-model tables (version table
`dossiers_alembic_version`, beside the kit's `kit_alembic_version` in the same database).

`migrate(url)` brings a database to head: the kit's tables first (the event store the read model
is projected from), then the service's. Idempotent; safe to run from several Jobs at once on
PostgreSQL (both histories take an advisory lock).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, make_url

from smartcommune.kit.migrations import upgrade_to_head as upgrade_kit

VERSION_TABLE = "dossiers_alembic_version"
HERE = Path(__file__).parent


def alembic_config(url: str | URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["url"] = make_url(url)  # not an ini option: a '%' in a password is fine
    return config


def migrate(url: str | URL) -> None:
    upgrade_kit(url)
    command.upgrade(alembic_config(url), "head")
