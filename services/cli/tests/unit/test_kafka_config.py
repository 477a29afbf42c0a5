"""The Kafka broker's rendered configuration and command line (no broker is started)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from smartcommune.cli.stack.config import KAFKA_VERSION, StackConfig
from smartcommune.cli.stack.kafka import BROKER_MAIN, KafkaServer, new_cluster_id


@pytest.fixture
def server(tmp_path: Path) -> KafkaServer:
    config = StackConfig(
        run_dir=tmp_path / "run",
        cache_dir=tmp_path / "cache",
        kafka_port=29092,
        kafka_controller_port=29093,
    )
    return KafkaServer(config)


def _properties(server: KafkaServer) -> dict[str, str]:
    pairs = {}
    for line in server.render_server_properties().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_one_node_is_broker_and_controller(server: KafkaServer) -> None:
    props = _properties(server)
    assert props["process.roles"] == "broker,controller"
    assert props["node.id"] == "1"
    assert props["controller.listener.names"] == "CONTROLLER"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:29093"


def test_listeners_use_the_configured_ports_on_loopback(server: KafkaServer) -> None:
    props = _properties(server)
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:29092"
    assert server.address == "127.0.0.1:29092"
    assert server.connection_env() == {"SMARTCOMMUNE_KAFKA_BOOTSTRAP": "127.0.0.1:29092"}


def test_single_broker_settings(server: KafkaServer) -> None:
    props = _properties(server)
    assert props["log.dirs"] == str(server.home / "data")
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["transaction.state.log.min.isr"] == "1"
    assert props["num.partitions"] == "3"
    assert props["auto.create.topics.enable"] == "false"


def test_layout_keeps_jars_in_the_cache_and_state_in_the_run_folder(
    server: KafkaServer, tmp_path: Path
) -> None:
    assert server.libs_dir == tmp_path / "cache" / f"kafka-{KAFKA_VERSION}" / "libs"
    assert server.home == tmp_path / "run" / "kafka"
    assert not server.is_fetched()
    assert not server.is_formatted()


def test_command_runs_the_broker_main_class_with_a_modest_heap(
    server: KafkaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(KafkaServer, "java", lambda self: Path("/opt/jdk/bin/java"))
    argv = server.command()
    assert argv[0] == "/opt/jdk/bin/java"
    assert "-Xmx512m" in argv
    assert argv[argv.index("-cp") + 1] == f"{server.libs_dir}/*"
    assert f"-Dlog4j2.configurationFile={server.log4j_path}" in argv
    assert argv[-2:] == [BROKER_MAIN, str(server.properties_path)]


def test_cluster_id_is_kafka_shaped_and_kept(server: KafkaServer) -> None:
    server.home.mkdir(parents=True)
    first = server.cluster_id()
    assert server.cluster_id() == first
    assert len(first) == 22
    assert not first.startswith("-")
    assert len(base64.urlsafe_b64decode(first + "==")) == 16


def test_new_cluster_ids_differ() -> None:
    assert len({new_cluster_id() for _ in range(50)}) == 50
