"""The CA's own Alembic history (version table `identity_ca_alembic_version`).

Kept apart from the rest of the identity service's tables so the CA can be migrated, reviewed
and one day moved (to its own database or an HSM-backed deployment) on its own. `migrate_ca(url)`
runs the kit's event-store migrations first — certificates and their events share transactions.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, make_url

from smartcommune.kit.migrations import upgrade_to_head as upgrade_kit

VERSION_TABLE = "identity_ca_alembic_version"
HERE = Path(__file__).parent


def alembic_config(url: str | URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["url"] = make_url(url)  # not an ini option: a '%' in a password is fine
    return config


def migrate_ca(url: str | URL) -> None:
    upgrade_kit(url)
    command.upgrade(alembic_config(url), "head")
