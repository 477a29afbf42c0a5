"""Servers and services together: what `stack up --services`, `stack down` and the demo share.

The services need Kafka and Keycloak only (each keeps its data in SQLite, the embedded default),
and learn their addresses from the servers — or from `SMARTCOMMUNE_KAFKA_BOOTSTRAP` /
`SMARTCOMMUNE_KEYCLOAK_URL` when the caller points at servers it runs elsewhere.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kafka.admin import KafkaAdminClient

from smartcommune.kit.topics import (
    DEFAULT_DLQ_PARTITIONS,
    DEFAULT_PARTITIONS,
    TopicSpec,
    dlq_topic,
    ensure_topics,
)

from . import make_server
from .base import ServerError
from .config import StackConfig
from .service_process import ServiceProcess, start_service, stop_service
from .services import SERVICES, ServiceRuntime, ServiceSpec

#: Servers the services need (PostgreSQL is for the production store, not the embedded default).
SERVICE_SERVERS = ("kafka", "keycloak")
#: Every context that publishes events (audit only reads).
EVENT_CONTEXTS = ("dossiers", "identity", "payments", "techteams", "scoring")


def external_servers(
    config: StackConfig, environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """Servers the caller runs elsewhere: server name → its address from the environment.

    An address equal to the local server's own (say, after `eval "$(smartcommune stack env)"`)
    is not external: that server is still the stack's to start and stop.
    """
    local = {
        "kafka": ("SMARTCOMMUNE_KAFKA_BOOTSTRAP", f"{config.host}:{config.kafka_port}"),
        "keycloak": ("SMARTCOMMUNE_KEYCLOAK_URL", f"http://{config.host}:{config.keycloak_port}"),
    }
    found: dict[str, str] = {}
    for name, (var, own) in local.items():
        value = environ.get(var, "").rstrip("/")
        if value and value != own:
            found[name] = value
    return found


def servers_env(config: StackConfig, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Kafka's and Keycloak's connection settings: external ones first, else the local stack's."""
    env: dict[str, str] = {}
    external = external_servers(config, environ)
    for name in SERVICE_SERVERS:
        if name in external:
            continue
        env.update(make_server(name, config).connection_env())
    if "kafka" in external:
        env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"] = environ["SMARTCOMMUNE_KAFKA_BOOTSTRAP"]
    if "keycloak" in external:
        env.update({k: v for k, v in environ.items() if k.startswith("SMARTCOMMUNE_KEYCLOAK_")})
        env.update(
            {k: v for k, v in environ.items() if k.startswith("SMARTCOMMUNE_CLIENT_SECRET_")}
        )
    return env


def prefix_file(run_dir: Path) -> Path:
    """Where the topic prefix of the services running from `run_dir` is noted (for `status`)."""
    return run_dir / "services" / "topic-prefix"


def recorded_prefix(run_dir: Path) -> str:
    try:
        return prefix_file(run_dir).read_text().strip()
    except OSError:
        return ""


def topic_specs(
    runtime: ServiceRuntime,
    partitions: int = DEFAULT_PARTITIONS,
    dlq_partitions: int = DEFAULT_DLQ_PARTITIONS,
) -> list[TopicSpec]:
    """The event topics (and dead-letter topics) of this run's namespace."""
    specs: list[TopicSpec] = []
    for context in EVENT_CONTEXTS:
        topic = runtime.topic(context)
        specs += [TopicSpec(topic, partitions), TopicSpec(dlq_topic(topic), dlq_partitions)]
    return specs


def ensure_run_topics(
    bootstrap: str,
    runtime: ServiceRuntime,
    partitions: int = DEFAULT_PARTITIONS,
    dlq_partitions: int = DEFAULT_DLQ_PARTITIONS,
) -> list[str]:
    """Create the run's topics when missing (the local Kafka does not auto-create topics)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="smartcommune-stack")
    try:
        report = ensure_topics(admin, topic_specs(runtime, partitions, dlq_partitions))
    finally:
        admin.close()
    if not report.ok:
        raise ServerError("; ".join(report.problems))
    return report.created


def delete_prefixed_topics(bootstrap: str, prefix: str) -> list[str]:
    """Delete every topic of a run namespace (never the platform's own, un-namespaced topics)."""
    if not prefix:
        raise ValueError("refusing to delete the platform's own topics")
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="smartcommune-stack")
    try:
        doomed = sorted(t for t in admin.list_topics() if t.startswith(prefix))
        if doomed:
            admin.delete_topics(doomed, timeout_ms=30_000)
    finally:
        admin.close()
    return doomed


@dataclass
class StartReport:
    started: list[ServiceProcess] = field(default_factory=list)
    already: list[ServiceProcess] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def start_services(
    runtime: ServiceRuntime,
    specs: Iterable[ServiceSpec],
    progress: Callable[[str], None] = lambda _: None,
    timeout: float = 120.0,
) -> StartReport:
    """Start the services side by side (one thread each: start-up is mostly imports and waits)."""
    report = StartReport()
    lock = threading.Lock()
    prefix_file(runtime.run_dir).parent.mkdir(parents=True, exist_ok=True)
    prefix_file(runtime.run_dir).write_text(runtime.topic_prefix + "\n")

    def one(spec: ServiceSpec) -> None:
        try:
            results = start_service(runtime, spec, progress, timeout)
        except ServerError as exc:
            with lock:
                report.failed[spec.name] = str(exc)
            return
        with lock:
            for proc, fresh in results:
                (report.started if fresh else report.already).append(proc)

    threads = [threading.Thread(target=one, args=(spec,), daemon=True) for spec in specs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


def stop_services(runtime: ServiceRuntime, specs: Iterable[ServiceSpec] = SERVICES) -> list[str]:
    """Stop every service process this run folder started; returns the names stopped."""
    stopped: list[str] = []
    for spec in reversed(list(specs)):
        stopped += [name for name, was_running in stop_service(runtime, spec) if was_running]
    return stopped
