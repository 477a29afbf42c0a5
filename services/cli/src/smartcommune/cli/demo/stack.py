"""What the demo runs on: the local Kafka and Keycloak, and every built service as processes.

Fresh data by default. Each run gets its own databases (the run folder's service data is wiped
after stopping the services it holds) and its own **topic prefix**, `demo-<time>-<random>.`:
Kafka keeps events forever, and a fresh identity database restarts the commune's hash chain at
1 — on a topic still holding the previous run's chain, the auditor would rightly see two chains
claiming the same positions. A prefixed set of topics starts empty, touches nobody else's
topics (tests and other runs on the same Kafka), and is deleted by the next demo run of the same
run folder. The prefix is written to `<run_dir>/demo/topic-prefix` and printed with the exact
replay command.

Servers named in the environment (`SMARTCOMMUNE_KAFKA_BOOTSTRAP`, `SMARTCOMMUNE_KEYCLOAK_URL`
with the client secrets) are used as they are, never started or stopped.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..stack import LocalServer, StackConfig, make_server
from ..stack.base import ServerError
from ..stack.platform import (
    delete_prefixed_topics,
    ensure_run_topics,
    external_servers,
    servers_env,
    start_services,
    stop_services,
)
from ..stack.service_process import ServiceProcess, missing_processes, wipe_service_data
from ..stack.services import SERVICES, ServiceRuntime, ServiceSpec, available_services
from .scenario import Endpoints

Progress = Callable[[str], None]
#: The demo's topics are small: one commune, one broker.
DEMO_PARTITIONS = 3


def new_topic_prefix(now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    return f"demo-{moment}-{secrets.token_hex(2)}."


@dataclass
class DemoStack:
    """Servers and services for one demo run; `close()` stops what `open()` started."""

    config: StackConfig
    progress: Progress = print
    topic_prefix: str = field(default_factory=new_topic_prefix)
    started_servers: list[LocalServer] = field(default_factory=list)
    started_services: list[ServiceProcess] = field(default_factory=list)
    specs: list[ServiceSpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    runtime: ServiceRuntime | None = None

    @property
    def state_dir(self) -> Path:
        return self.config.run_dir / "demo"

    def open(
        self,
        server_timeout: float = 300.0,
        *,
        servers: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ServiceRuntime:
        """Start the servers (unless `servers` gives their connection settings, as the test
        fixtures do) and the services; `environ` is where service ports are read from.

        Kafka first (the relays need it); Keycloak, the slow one, boots on a thread while the
        services start: they need it only for their first request (to fetch its keys).
        """
        began = time.monotonic()
        keycloak: threading.Thread | None = None
        failures: list[BaseException] = []
        if servers is None:
            self._start_server("kafka", server_timeout)
            keycloak = threading.Thread(
                target=self._start_server, args=("keycloak", server_timeout, failures),
                daemon=True,
            )  # fmt: skip
            keycloak.start()
            env = servers_env(self.config)
        else:
            env = dict(servers)
        runtime = ServiceRuntime(
            run_dir=self.config.run_dir, servers_env=env, host=self.config.host,
            topic_prefix=self.topic_prefix, environ=dict(environ or os.environ),
        )  # fmt: skip
        self.runtime = runtime
        bootstrap = env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"]
        try:
            self._fresh(runtime, bootstrap)
            self.specs = available_services()
            for spec in SERVICES:
                if spec not in self.specs:
                    self.notes.append(f"{spec.name}: not built yet, its steps are skipped")
                elif missing := missing_processes(spec):
                    self.notes.append(f"{spec.name}: no {', '.join(missing)} process yet")
            ensure_run_topics(bootstrap, runtime, DEMO_PARTITIONS, 1)
            self.progress(f"services: starting {', '.join(s.name for s in self.specs)}")
            report = start_services(runtime, self.specs, self.progress)
            self.started_services = report.started + report.already
            self.timings["services"] = time.monotonic() - began
            if not report.ok:
                raise ServerError(
                    "; ".join(f"{name}: {reason}" for name, reason in report.failed.items())
                )
        finally:
            if keycloak is not None:
                keycloak.join()
        self.timings["servers and services"] = time.monotonic() - began
        if failures:
            raise failures[0]
        return runtime

    def _start_server(
        self, name: str, timeout: float, failures: list[BaseException] | None = None
    ) -> None:
        external = external_servers(self.config)
        if name in external:
            self.notes.append(f"{name}: using {external[name]} (from the environment)")
            return
        server = make_server(name, self.config)
        self.progress(f"{name}: starting")
        began = time.monotonic()
        try:
            if server.start(self.progress, timeout=timeout):
                self.started_servers.append(server)
                self.timings[name] = time.monotonic() - began
        except BaseException as exc:
            if failures is None:
                raise
            failures.append(exc)

    def endpoints(self) -> Endpoints:
        """Where the scenario finds the servers and the services of this run."""
        runtime = self.runtime
        assert runtime is not None, "open() first"
        env = runtime.servers_env
        return Endpoints(
            keycloak_url=env["SMARTCOMMUNE_KEYCLOAK_URL"].rstrip("/"),
            realm=env.get("SMARTCOMMUNE_KEYCLOAK_REALM", "smartcommune"),
            kafka_bootstrap=env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"],
            services={spec.name: runtime.url(spec) for spec in self.specs},
            grpc={s.name: a for s in self.specs if (a := runtime.grpc_address(s))},
            topic_prefix=self.topic_prefix,
            workdir=self.state_dir,
        )

    def _fresh(self, runtime: ServiceRuntime, bootstrap: str) -> None:
        """Stop this run folder's services, wipe their data, drop the last run's topics."""
        stopped = stop_services(runtime)
        if stopped:
            self.notes.append(f"stopped the services left running ({len(stopped)} processes)")
        for spec in SERVICES:
            wipe_service_data(runtime, spec)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        marker = self.state_dir / "topic-prefix"
        if marker.exists() and (previous := marker.read_text().strip()).startswith("demo-"):
            try:
                delete_prefixed_topics(bootstrap, previous)
            except Exception as exc:  # a leftover topic set is harmless; never block a run
                self.notes.append(f"could not delete the last run's topics {previous}*: {exc}")
        marker.write_text(self.topic_prefix + "\n")

    def close(self, keep_running: bool, *, drop_topics: bool = False) -> list[str]:
        """Stop what `open()` started (all of it, unless `keep_running`); `drop_topics` also
        deletes this run's topics (tests; the demo leaves them to the next run, for a replay)."""
        if keep_running:
            return []
        stopped: list[str] = []
        if self.runtime is not None:
            stopped += stop_services(self.runtime, self.specs)
            if drop_topics:
                bootstrap = self.runtime.servers_env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"]
                delete_prefixed_topics(bootstrap, self.topic_prefix)
        for server in reversed(self.started_servers):
            if server.stop():
                stopped.append(server.name)
        return stopped
