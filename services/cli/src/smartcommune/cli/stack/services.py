"""The platform's services as local processes, beside the servers.

Each service runs as separate processes from the workspace's own Python — its HTTP server, its
outbox relay and its consumers — on the embedded defaults: a SQLite file per service in the run
folder, the local Kafka and Keycloak, the service clients' secrets the stack read from Keycloak,
and the identity master key generated into the run folder (mode 600, never committed).

`SERVICES` is the whole map, one entry per service: which modules to run, which port, which
extra settings. A service whose HTTP entrypoint is not installed yet is simply not available;
adding one is one more entry. Everything that varies per run (ports, run folder, a topic
namespace, the servers' addresses) is a `ServiceRuntime`, so `stack up --services`, the demo and
the e2e test start the same processes with different values.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ProcessSpec:
    """One process of a service: `python -m <module>`. `role` names it (`api`, `relay`, …)."""

    role: str
    module: str
    #: the HTTP server: healthy when its `/readyz` answers 200
    serves_http: bool = False


@dataclass(frozen=True)
class SecretSpec:
    """A secret a service needs, generated once per run folder into a mode-600 file."""

    env: str
    filename: str
    nbytes: int = 32


@dataclass(frozen=True)
class ServiceSpec:
    """What it takes to run one service locally."""

    name: str
    http_port: int
    processes: tuple[ProcessSpec, ...]
    #: the API migrates its database when it starts (`<PREFIX>MIGRATE_ON_START`), so relay and
    #: consumers, started once the API is healthy, find their tables; one interpreter fewer to
    #: start than a separate `migrate` process, and start-up is mostly imports on two cores
    migrate_on_start: bool = True
    grpc_port: int | None = None
    #: event contexts this service's consumers read (their topics are namespaced with the run's)
    consumes: tuple[str, ...] = ()
    secrets: tuple[SecretSpec, ...] = ()
    #: extra settings; values are templates over `ServiceRuntime.placeholders()`
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"SMARTCOMMUNE_{self.name.upper()}_"

    @property
    def topic(self) -> str:
        return f"{self.name}.events.v1"

    def installed(self, find: Callable[[str], object | None] = importlib.util.find_spec) -> bool:
        """Available when its HTTP entrypoint is importable (the service has been built)."""
        api = next(p for p in self.processes if p.serves_http)
        try:
            return find(api.module) is not None
        except ModuleNotFoundError:
            return False


def _service(
    name: str,
    port: int,
    *,
    grpc_port: int | None = None,
    consumers: tuple[tuple[str, str], ...] = (),
    consumes: tuple[str, ...] = (),
    secrets: tuple[SecretSpec, ...] = (),
    env: Mapping[str, str] | None = None,
) -> ServiceSpec:
    """The layout every service follows: `entrypoints/serve.py`, `relay.py`, consumers."""
    base = f"smartcommune.{name}.entrypoints"
    processes = (
        ProcessSpec("api", f"{base}.serve", serves_http=True),
        ProcessSpec("relay", f"{base}.relay"),
        *(ProcessSpec(role, f"{base}.{module}") for role, module in consumers),
    )
    return ServiceSpec(
        name=name, http_port=port, processes=processes,
        grpc_port=grpc_port, consumes=consumes, secrets=secrets, env=dict(env or {}),
    )  # fmt: skip


#: Start order: identity first (the CA, and the signing service scoring calls), scoring last.
SERVICES: tuple[ServiceSpec, ...] = (
    _service(
        "identity", 8082, grpc_port=50052,
        secrets=(SecretSpec("SMARTCOMMUNE_IDENTITY_MASTER_KEY", "master-key"),),
        env={"SMARTCOMMUNE_IDENTITY_CRL_URL": "{identity_url}/ca/crl"},
    ),
    _service("dossiers", 8081),
    _service(
        "payments", 8083,
        consumers=(("consumer", "consume"),), consumes=("dossiers", "identity"),
        secrets=(SecretSpec("SMARTCOMMUNE_PAYMENTS_ACCOUNT_KEY", "account-key"),),
        # DEMO: the commune's fee account (Agribank's BIN); a real one comes from the commune
        env={"SMARTCOMMUNE_PAYMENTS_COLLECTING_ACCOUNTS": '{{"08920": {{"bank_bin": "970405", '
             '"account": "2600201008920", "name": "UBND XA CAO PHONG"}}}}'},
    ),
    _service("techteams", 8084, consumers=(("consumer", "consume"),), consumes=("identity",)),
    _service(
        "scoring", 8085, grpc_port=50055,
        consumers=(("consumer", "consume"),),
        consumes=("dossiers", "identity", "payments", "techteams"),
        env={"SMARTCOMMUNE_SCORING_IDENTITY_GRPC": "{identity_grpc}"},
    ),
)  # fmt: skip
SERVICE_NAMES = tuple(spec.name for spec in SERVICES)


def service_spec(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise ValueError(f"unknown service {name!r}; choose from {', '.join(SERVICE_NAMES)}")


def available_services(specs: Iterable[ServiceSpec] = SERVICES) -> list[ServiceSpec]:
    return [spec for spec in specs if spec.installed()]


def _int_env(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a port number, got {raw!r}") from exc


@dataclass(frozen=True)
class ServiceRuntime:
    """Where and how this run's services live.

    `servers_env` is what the servers hand to clients (Kafka bootstrap, Keycloak URL and realm,
    client secrets); `topic_prefix` (e.g. `demo-1a2b3c.`) is put in front of every topic name
    so a run can start from empty topics without touching anyone else's (Kafka keeps events
    forever, and a fresh database would otherwise restart its hash chain on a topic that already
    holds an older chain of the same commune).
    """

    run_dir: Path
    servers_env: Mapping[str, str]
    host: str = "127.0.0.1"
    topic_prefix: str = ""
    #: process environment the ports are read from (`SMARTCOMMUNE_<SERVICE>_PORT`, `_GRPC_PORT`)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    log_level: str = "INFO"

    # ------------------------------------------------------------------ addresses
    def home(self, spec: ServiceSpec) -> Path:
        return self.run_dir / "services" / spec.name

    def port(self, spec: ServiceSpec) -> int:
        return _int_env(self.environ, f"{spec.prefix}PORT", spec.http_port)

    def grpc_port(self, spec: ServiceSpec) -> int | None:
        if spec.grpc_port is None:
            return None
        return _int_env(self.environ, f"{spec.prefix}GRPC_PORT", spec.grpc_port)

    def url(self, spec: ServiceSpec) -> str:
        return f"http://{self.host}:{self.port(spec)}"

    def grpc_address(self, spec: ServiceSpec) -> str | None:
        port = self.grpc_port(spec)
        return None if port is None else f"{self.host}:{port}"

    def topic(self, context: str) -> str:
        return f"{self.topic_prefix}{context}.events.v1"

    def database_url(self, spec: ServiceSpec) -> str:
        return f"sqlite:///{self.home(spec) / (spec.name + '.db')}"

    def placeholders(self) -> dict[str, str]:
        values = {"run_dir": str(self.run_dir), "topic_prefix": self.topic_prefix}
        for spec in SERVICES:
            values[f"{spec.name}_url"] = self.url(spec)
            values[f"{spec.name}_grpc"] = self.grpc_address(spec) or ""
            values[f"{spec.name}_topic"] = self.topic(spec.name)
        return values

    # ------------------------------------------------------------------ environment
    def service_env(
        self, spec: ServiceSpec, secrets_: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The settings one service's processes get (on top of the caller's environment).

        Service-specific variables are set explicitly so a platform-wide value exported for
        something else (say `SMARTCOMMUNE_DATABASE_URL` of a PostgreSQL) cannot leak in.
        """
        p = spec.prefix
        env: dict[str, str] = dict(self.servers_env)
        env.update({
            f"{p}HOST": self.host,
            f"{p}PORT": str(self.port(spec)),
            f"{p}DATABASE_URL": self.database_url(spec),
            f"{p}TOPIC": self.topic(spec.name),
            f"{p}LOG_LEVEL": self.log_level,
            "SMARTCOMMUNE_TOPIC_PREFIX": self.topic_prefix,
            f"{p}MIGRATE_ON_START": "true" if spec.migrate_on_start else "false",
        })  # fmt: skip
        if (grpc := self.grpc_port(spec)) is not None:
            env[f"{p}GRPC_HOST"] = self.host
            env[f"{p}GRPC_PORT"] = str(grpc)
        for context in spec.consumes:
            env[f"{p}{context.upper()}_TOPIC"] = self.topic(context)
        values = self.placeholders()
        env.update({key: template.format_map(values) for key, template in spec.env.items()})
        env.update(secrets_ or {})
        return env

    def secrets(self, spec: ServiceSpec) -> dict[str, str]:
        """The service's generated secrets, created on first use (mode 600 from the first byte)."""
        found: dict[str, str] = {}
        for secret in spec.secrets:
            if value := self.environ.get(secret.env):  # an operator's own value wins
                found[secret.env] = value
                continue
            path = self.home(spec) / secret.filename
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                value = base64.b64encode(secrets.token_bytes(secret.nbytes)).decode()
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(value)
            found[secret.env] = path.read_text().strip()
        return found
