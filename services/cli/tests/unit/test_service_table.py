"""The services the stack runs: one table, and the settings each process gets from it."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from smartcommune.cli.stack.base import ServerError
from smartcommune.cli.stack.config import StackConfig
from smartcommune.cli.stack.platform import external_servers, topic_specs
from smartcommune.cli.stack.service_process import ServiceProcess, start_service, stop_service
from smartcommune.cli.stack.services import (
    SERVICE_NAMES,
    SERVICES,
    ProcessSpec,
    ServiceRuntime,
    ServiceSpec,
    service_spec,
)

SERVERS = {
    "SMARTCOMMUNE_KAFKA_BOOTSTRAP": "127.0.0.1:19092",
    "SMARTCOMMUNE_KEYCLOAK_URL": "http://127.0.0.1:18080",
    "SMARTCOMMUNE_CLIENT_SECRET_SCORING": "s3cret",
}


def runtime(tmp_path: Path, prefix: str = "", **environ: str) -> ServiceRuntime:
    return ServiceRuntime(tmp_path, SERVERS, topic_prefix=prefix, environ=environ)


def test_every_publishing_service_has_one_entry_with_its_contract_ports() -> None:
    ports = {spec.name: (spec.http_port, spec.grpc_port) for spec in SERVICES}
    assert ports == {
        "identity": (8082, 50052),
        "dossiers": (8081, None),
        "payments": (8083, None),
        "techteams": (8084, None),
        "scoring": (8085, 50055),
    }
    assert len(set(SERVICE_NAMES)) == len(SERVICE_NAMES)


def test_each_service_runs_an_http_server_and_a_relay_as_separate_modules() -> None:
    for spec in SERVICES:
        roles = [p.role for p in spec.processes]
        assert roles[:2] == ["api", "relay"], spec.name
        assert [p.serves_http for p in spec.processes].count(True) == 1
        modules = [p.module for p in spec.processes]
        assert all(m.startswith(f"smartcommune.{spec.name}.entrypoints.") for m in modules)


def test_a_service_gets_its_own_sqlite_file_port_and_the_servers_addresses(
    tmp_path: Path,
) -> None:
    env = runtime(tmp_path).service_env(service_spec("dossiers"))

    assert env["SMARTCOMMUNE_DOSSIERS_DATABASE_URL"] == (
        f"sqlite:///{tmp_path}/services/dossiers/dossiers.db"
    )
    assert env["SMARTCOMMUNE_DOSSIERS_PORT"] == "8081"
    assert env["SMARTCOMMUNE_DOSSIERS_MIGRATE_ON_START"] == "true"
    assert env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"
    assert env["SMARTCOMMUNE_CLIENT_SECRET_SCORING"] == "s3cret"


def test_ports_are_shifted_by_the_same_variables_the_services_read(tmp_path: Path) -> None:
    shifted = runtime(
        tmp_path, SMARTCOMMUNE_SCORING_PORT="28085", SMARTCOMMUNE_SCORING_GRPC_PORT="28055"
    )
    spec = service_spec("scoring")

    assert shifted.url(spec) == "http://127.0.0.1:28085"
    env = shifted.service_env(spec)
    assert (env["SMARTCOMMUNE_SCORING_PORT"], env["SMARTCOMMUNE_SCORING_GRPC_PORT"]) == (
        "28085",
        "28055",
    )


def test_a_bad_port_variable_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SMARTCOMMUNE_DOSSIERS_PORT"):
        runtime(tmp_path, SMARTCOMMUNE_DOSSIERS_PORT="eighty").port(service_spec("dossiers"))


def test_a_topic_prefix_applies_to_produced_and_consumed_topics(tmp_path: Path) -> None:
    env = runtime(tmp_path, "demo-1.").service_env(service_spec("scoring"))

    assert env["SMARTCOMMUNE_SCORING_TOPIC"] == "demo-1.scoring.events.v1"
    for context in ("dossiers", "identity", "payments", "techteams"):
        assert env[f"SMARTCOMMUNE_SCORING_{context.upper()}_TOPIC"] == (
            f"demo-1.{context}.events.v1"
        )
    assert env["SMARTCOMMUNE_TOPIC_PREFIX"] == "demo-1."


def test_templates_point_scoring_at_the_identity_signing_service_of_this_run(
    tmp_path: Path,
) -> None:
    shifted = runtime(tmp_path, SMARTCOMMUNE_IDENTITY_GRPC_PORT="28052")
    env = shifted.service_env(service_spec("scoring"))

    assert env["SMARTCOMMUNE_SCORING_IDENTITY_GRPC"] == "127.0.0.1:28052"


def test_payments_gets_a_json_collecting_account_for_the_demo_commune(tmp_path: Path) -> None:
    env = runtime(tmp_path).service_env(service_spec("payments"))

    accounts = json.loads(env["SMARTCOMMUNE_PAYMENTS_COLLECTING_ACCOUNTS"])
    assert accounts["08920"]["bank_bin"] == "970405"


def test_the_master_key_is_generated_once_into_a_private_file(tmp_path: Path) -> None:
    run = runtime(tmp_path)
    identity = service_spec("identity")

    first = run.secrets(identity)["SMARTCOMMUNE_IDENTITY_MASTER_KEY"]
    again = run.secrets(identity)["SMARTCOMMUNE_IDENTITY_MASTER_KEY"]

    assert first == again
    assert len(first) >= 32
    key_file = tmp_path / "services" / "identity" / "master-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_operator_supplied_secret_wins_and_nothing_is_written(tmp_path: Path) -> None:
    run = runtime(tmp_path, SMARTCOMMUNE_IDENTITY_MASTER_KEY="x" * 44)

    found = run.secrets(service_spec("identity"))

    assert found["SMARTCOMMUNE_IDENTITY_MASTER_KEY"] == "x" * 44
    assert not (tmp_path / "services" / "identity" / "master-key").exists()


def test_platform_topics_keep_the_platform_partitioning_and_demo_topics_are_prefixed(
    tmp_path: Path,
) -> None:
    platform = {s.name: s.partitions for s in topic_specs(runtime(tmp_path))}
    demo = {s.name: s.partitions for s in topic_specs(runtime(tmp_path, "demo-x."), 3, 1)}

    assert platform["dossiers.events.v1"] == 64
    assert platform["dossiers.events.v1.dlq"] == 8
    assert demo["demo-x.scoring.events.v1"] == 3
    assert all(name.startswith("demo-x.") for name in demo)


def test_servers_named_in_the_environment_are_external_unless_they_are_our_own(
    tmp_path: Path,
) -> None:
    config = StackConfig(run_dir=tmp_path, cache_dir=tmp_path)

    assert external_servers(config, {"SMARTCOMMUNE_KAFKA_BOOTSTRAP": "127.0.0.1:19092"}) == {}
    assert external_servers(config, {"SMARTCOMMUNE_KAFKA_BOOTSTRAP": "kafka:9092"}) == {
        "kafka": "kafka:9092"
    }
    assert external_servers(config, {"SMARTCOMMUNE_KEYCLOAK_URL": "http://127.0.0.1:18080/"}) == {}


# ---------------------------------------------------------------- processes, for real
SLEEPER = "import time; time.sleep(60)"


def fake_service(tmp_path: Path) -> ServiceSpec:
    """A service whose 'API' is a tiny HTTP server answering /readyz, and a sleeping relay."""
    server = tmp_path / "fake_api.py"
    server.write_text(
        "import http.server, os\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200 if self.path == '/readyz' else 404); self.end_headers()\n"
        "    def log_message(self, *a): pass\n"
        "port = int(os.environ['SMARTCOMMUNE_FAKE_PORT'])\n"
        "http.server.HTTPServer(('127.0.0.1', port), H).serve_forever()\n"
    )
    relay = tmp_path / "fake_relay.py"
    relay.write_text(SLEEPER)
    sys.path.insert(0, str(tmp_path))
    api = ProcessSpec("api", "fake_api", serves_http=True)
    return ServiceSpec(
        name="fake", http_port=free_port(), processes=(api, ProcessSpec("relay", "fake_relay"))
    )


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_service_starts_health_waited_records_pids_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_service(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the processes find the fake modules
    run = ServiceRuntime(tmp_path / "run", {}, environ={})
    try:
        started = start_service(run, spec, timeout=30)
        assert [(p.name, fresh) for p, fresh in started] == [
            ("fake-api", True),
            ("fake-relay", True),
        ]
        home = tmp_path / "run" / "services" / "fake"
        record = json.loads((home / "api.pid").read_text())
        assert record["start_time"] is not None
        assert ServiceProcess(run, spec, spec.processes[0]).check().ok
        again = start_service(run, spec, timeout=30)
        assert [fresh for _, fresh in again] == [False, False]
    finally:
        stopped = stop_service(run, spec)
        sys.path.remove(str(tmp_path))
    assert stopped == [("fake-relay", True), ("fake-api", True)]
    assert all(ServiceProcess(run, spec, p).running_pid() is None for p in spec.processes)


def test_a_port_taken_by_someone_else_is_refused_before_starting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    spec = fake_service(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    run = ServiceRuntime(tmp_path / "run", {}, environ={})
    with socket.socket() as other:
        other.bind(("127.0.0.1", spec.http_port))
        other.listen()
        try:
            with pytest.raises(ServerError, match="SMARTCOMMUNE_FAKE_PORT"):
                start_service(run, spec, timeout=10)
        finally:
            sys.path.remove(str(tmp_path))
    assert ServiceProcess(run, spec, spec.processes[0]).running_pid() is None
