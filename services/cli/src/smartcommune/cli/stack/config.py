"""Where the local servers live and which ports they use.

Everything is read from the environment once, so `smartcommune stack`, the test fixtures and
`make` all agree on the same run folder and ports without passing flags around.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KAFKA_VERSION = "4.4.0"
KEYCLOAK_VERSION = "26.7.3"
POSTGRES_MAJOR = "15"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a port number, got {raw!r}") from exc


@dataclass(frozen=True)
class StackConfig:
    """Paths and ports of the local stack.

    Defaults stay away from the well-known ports (9092, 8080, 5432) so a developer's own
    servers keep working beside ours.
    """

    run_dir: Path
    cache_dir: Path
    kafka_version: str = KAFKA_VERSION
    keycloak_version: str = KEYCLOAK_VERSION
    kafka_port: int = 19092
    kafka_controller_port: int = 19093
    keycloak_port: int = 18080
    keycloak_management_port: int = 19000
    postgres_port: int = 15432
    host: str = "127.0.0.1"

    @classmethod
    def from_env(cls) -> StackConfig:
        run_dir = Path(os.environ.get("SMARTCOMMUNE_RUN_DIR") or Path.cwd() / ".run")
        cache_dir = Path(
            os.environ.get("SMARTCOMMUNE_CACHE_DIR")
            or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smartcommune"
        )
        return cls(
            run_dir=run_dir.resolve(),
            cache_dir=cache_dir.resolve(),
            kafka_version=os.environ.get("SMARTCOMMUNE_KAFKA_VERSION", KAFKA_VERSION),
            keycloak_version=os.environ.get("SMARTCOMMUNE_KEYCLOAK_VERSION", KEYCLOAK_VERSION),
            kafka_port=_int_env("SMARTCOMMUNE_KAFKA_PORT", 19092),
            kafka_controller_port=_int_env("SMARTCOMMUNE_KAFKA_CONTROLLER_PORT", 19093),
            keycloak_port=_int_env("SMARTCOMMUNE_KEYCLOAK_PORT", 18080),
            keycloak_management_port=_int_env("SMARTCOMMUNE_KEYCLOAK_MANAGEMENT_PORT", 19000),
            postgres_port=_int_env("SMARTCOMMUNE_POSTGRES_PORT", 15432),
        )

    def server_dir(self, name: str) -> Path:
        return self.run_dir / name


def repo_root() -> Path:
    """The repository this package was installed from (workspace install), for infra files."""
    env = os.environ.get("SMARTCOMMUNE_REPO_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "infra").is_dir() and (parent / "services").is_dir():
            return parent
    return Path.cwd()
