"""Alembic migrations for the kit's tables, runnable from Python by any service.

The kit keeps its own version table (`kit_alembic_version`), so a service's own Alembic history
for its own tables — in the same database — never collides with the kit's: a service's
migration Job runs `upgrade_to_head(url)` and then its own migrations.

The URL comes from, in order: the `url` argument, `sqlalchemy.url` in an Alembic config, or the
`SMARTCOMMUNE_DATABASE_URL` environment variable. `python -m smartcommune.kit.migrations [URL]`
does the same from a shell (e.g. a Helm Job).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, make_url

VERSION_TABLE = "kit_alembic_version"
URL_VARIABLE = "SMARTCOMMUNE_DATABASE_URL"
HERE = Path(__file__).parent


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic `Config` for the kit's migrations, usable with every `alembic.command`."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        # Kept out of the ini options: ConfigParser would try to interpolate a '%' in a password.
        config.attributes["url"] = make_url(url)
    return config


def database_url(config: Config) -> URL:
    """The URL migrations run against (see the module docstring for the order)."""
    if isinstance(given := config.attributes.get("url"), URL):
        return given
    if configured := config.get_main_option("sqlalchemy.url"):
        return make_url(configured)
    if from_env := os.environ.get(URL_VARIABLE):
        return make_url(from_env)
    raise RuntimeError(f"no database URL: pass one, set sqlalchemy.url or {URL_VARIABLE}")


def upgrade_to_head(url: str | URL | None = None) -> None:
    """Create or upgrade the kit's tables. Idempotent: at head it changes nothing."""
    command.upgrade(alembic_config(url), "head")
