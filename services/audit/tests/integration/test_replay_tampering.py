"""Replay on the real broker: a clean commune verifies; every kind of tampering is caught and
pointed at — topic, partition, offset and chain position — with the tampering exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from smartcommune.audit.adapters.kafka_log import KafkaLog, partition_for
from smartcommune.audit.application.replay import AuditResult, replay
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.entrypoints.cli import app
from smartcommune.audit.testing import Record, copy_commune, encode, envelope_data

from .conftest import PARTITIONS, History, unique_prefix

pytestmark = pytest.mark.integration
TARGET = 9  # the 10th dossiers event of the commune (chain #10) is the one tampered with


def run_replay(bootstrap: str, prefix: str, commune: str) -> AuditResult:
    with KafkaLog(bootstrap, topic_prefix=prefix) as log:
        return replay(log, commune, roots=[])


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["replay", *args], catch_exceptions=False)


def test_a_clean_commune_verifies_with_exit_code_0(history: History, tmp_path: Path) -> None:
    commune = history.communes[0]
    result = cli(
        "--commune", commune, "--topic-prefix", history.prefix,
        "--bootstrap", history.bootstrap, "--json", str(tmp_path / "r.json"),
        "--report", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert result.exit_code == ExitCode.VERIFIED, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["verdict"]["exit_code"] == 0
    assert {c["service"] for c in report["chains"]} >= {"identity", "dossiers", "payments"}
    assert all(c["finding"] is None and c["verified"] > 0 for c in report["chains"])
    assert "commune " + commune in (tmp_path / "r.html").read_text()


def test_only_the_communes_partitions_are_read_and_they_are_where_the_relay_put_it(
    history: History,
) -> None:
    commune = history.communes[0]
    result = run_replay(history.bootstrap, history.prefix, commune)
    assert result.exit_code == ExitCode.VERIFIED
    expected = partition_for(commune.encode(), PARTITIONS)
    assert {r.partition for r in result.partitions if r.service != "identity"} == {expected}
    # every event of the commune the kit's relay published was found in that partition
    written = sum(len(s.versions) for s in history.writer.stores.values())
    assert written > 0
    assert result.records == sum(c.verified for c in result.chains)
    assert all(c.chain.commune_code == commune for c in result.chains)


def _tamper(history: History, name: str, edit: Any) -> tuple[AuditResult, Any]:
    prefix = unique_prefix(name)
    commune = history.communes[0]
    written = copy_commune(
        history.bootstrap, history.prefix, prefix, commune, partitions=PARTITIONS, edit=edit
    )
    return run_replay(history.bootstrap, prefix, commune), written


def _only_dossiers(change: Any) -> Any:
    def edit(service: str, records: list[Record]) -> list[Record]:
        return change(list(records)) if service == "dossiers" else records

    return edit


def _finding(result: AuditResult) -> Any:
    assert result.exit_code == ExitCode.TAMPERING
    (finding,) = result.findings
    assert str(finding.chain) == f"dossiers/{result.commune_code}"
    return finding


def test_an_altered_event_is_reported_at_its_offset(history: History) -> None:
    def alter(records: list[Record]) -> list[Record]:
        key, value = records[TARGET]
        data = envelope_data(value)
        data["occurred_at"] = "2020-01-01T00:00:00.000000Z"
        records[TARGET] = (key, encode(data, rehash=False))
        return records

    result, written = _tamper(history, "altered", _only_dossiers(alter))
    finding = _finding(result)
    partition, offset = written["dossiers"].offsets[TARGET]
    assert (finding.kind, finding.chain_seq, finding.expected_seq) == ("altered", 10, 10)
    assert finding.position.as_json() == {
        "topic": written["dossiers"].topic, "partition": partition, "offset": offset
    }  # fmt: skip


def test_an_altered_event_with_a_recomputed_hash_breaks_the_next_link(history: History) -> None:
    def alter(records: list[Record]) -> list[Record]:
        key, value = records[TARGET]
        data = envelope_data(value)
        data["payload"] = {**data["payload"], "dossier_number": "FORGED-0001"}
        if data["event_type"] != "dossier.submitted":
            data["occurred_at"] = "2020-01-01T00:00:00.000000Z"
            data["payload"] = envelope_data(value)["payload"]
        records[TARGET] = (key, encode(data, rehash=True))
        return records

    result, written = _tamper(history, "rehashed", _only_dossiers(alter))
    finding = _finding(result)
    assert (finding.kind, finding.chain_seq, finding.expected_seq) == ("broken_link", 11, 11)
    assert finding.position.offset == written["dossiers"].offsets[TARGET + 1][1]


def test_a_dropped_event_is_a_gap_at_the_next_record(history: History) -> None:
    def drop(records: list[Record]) -> list[Record]:
        del records[TARGET]
        return records

    result, written = _tamper(history, "dropped", _only_dossiers(drop))
    finding = _finding(result)
    assert (finding.kind, finding.chain_seq, finding.expected_seq) == ("gap", 11, 10)
    assert finding.position.offset == written["dossiers"].offsets[TARGET][1]  # #11's new place


def test_reordered_events_are_reported_where_the_later_one_came_first(history: History) -> None:
    def swap(records: list[Record]) -> list[Record]:
        records[TARGET], records[TARGET + 1] = records[TARGET + 1], records[TARGET]
        return records

    result, written = _tamper(history, "reordered", _only_dossiers(swap))
    finding = _finding(result)
    assert (finding.kind, finding.chain_seq, finding.expected_seq) == ("reorder", 11, 10)
    assert finding.position.offset == written["dossiers"].offsets[TARGET][1]


def test_an_injected_event_is_pointed_at_even_with_a_valid_hash_and_link(
    history: History,
) -> None:
    def inject(records: list[Record]) -> list[Record]:
        key, value = records[TARGET]
        forged = envelope_data(value)
        forged["event_id"] = "01900000-0000-7000-8000-000000000001"
        forged["occurred_at"] = "2020-01-01T00:00:00.000000Z"
        records.insert(TARGET, (key, encode(forged, rehash=True)))  # a perfect #10 before #10
        return records

    result, written = _tamper(history, "injected", _only_dossiers(inject))
    finding = _finding(result)
    assert (finding.kind, finding.chain_seq) == ("duplicate", 10)
    # the original #10 is refused, and the report names where the forged #10 was accepted
    assert finding.position.offset == written["dossiers"].offsets[TARGET + 1][1]
    assert finding.conflicting_position is not None
    assert finding.conflicting_position.offset == written["dossiers"].offsets[TARGET][1]


def test_a_foreign_event_from_another_commune_is_reported(history: History) -> None:
    other = history.communes[1]
    from smartcommune.audit.testing import read_commune

    foreign_value = read_commune(history.bootstrap, history.prefix, other)["dossiers"][TARGET][1]

    def insert(records: list[Record]) -> list[Record]:
        key, _ = records[TARGET]
        records.insert(TARGET, (key, foreign_value))  # keyed as ours, but it is not
        return records

    result, written = _tamper(history, "foreign", _only_dossiers(insert))
    finding = _finding(result)
    assert finding.kind == "foreign"
    assert finding.position.offset == written["dossiers"].offsets[TARGET][1]
    assert other in finding.detail


def test_an_event_of_another_service_on_this_topic_is_foreign(history: History) -> None:
    commune = history.communes[0]
    from smartcommune.audit.testing import read_commune

    identity_value = read_commune(history.bootstrap, history.prefix, commune)["identity"][TARGET][1]

    def insert(records: list[Record]) -> list[Record]:
        records.insert(TARGET, (records[TARGET][0], identity_value))
        return records

    result, written = _tamper(history, "service", _only_dossiers(insert))
    finding = _finding(result)
    assert finding.kind == "foreign"
    assert "identity" in finding.detail
    assert finding.position.offset == written["dossiers"].offsets[TARGET][1]


def test_an_unreadable_record_is_tampering_too(history: History) -> None:
    def garble(records: list[Record]) -> list[Record]:
        key, value = records[TARGET]
        records[TARGET] = (key, value[:-20])
        return records

    result, written = _tamper(history, "garbled", _only_dossiers(garble))
    finding = _finding(result)
    assert (finding.kind, finding.expected_seq) == ("unreadable", 10)
    assert finding.position.offset == written["dossiers"].offsets[TARGET][1]


def test_the_cli_exits_with_the_tampering_code_and_names_the_record(history: History) -> None:
    def drop(records: list[Record]) -> list[Record]:
        del records[TARGET]
        return records

    prefix = unique_prefix("cli")
    commune = history.communes[0]
    written = copy_commune(
        history.bootstrap, history.prefix, prefix, commune, partitions=PARTITIONS,
        edit=_only_dossiers(drop),
    )  # fmt: skip
    result = cli("--commune", commune, "--topic-prefix", prefix, "--bootstrap", history.bootstrap)
    assert result.exit_code == ExitCode.TAMPERING
    partition, offset = written["dossiers"].offsets[TARGET]
    assert f"{prefix}dossiers.events.v1[{partition}]@{offset}" in result.output.replace("\n", "")


def test_an_unreachable_broker_is_an_infrastructure_error() -> None:
    result = cli("--commune", "12345", "--bootstrap", "127.0.0.1:1", "--timeout", "3")
    assert result.exit_code == ExitCode.INFRASTRUCTURE, result.output
