"""`judge()` without a broker: chains built with the kit's own sealing, records in memory."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from kafka.partitioner.default import DefaultPartitioner

from smartcommune.audit.adapters.kafka_log import event_topics, partition_for
from smartcommune.audit.application.decisions import SIGNATURE_FIELDS, signed_document
from smartcommune.audit.application.replay import judge
from smartcommune.audit.domain.log import Position, RawRecord
from smartcommune.audit.domain.outcome import ExitCode, worst
from smartcommune.audit.entrypoints.cli import parse_as_of
from smartcommune.audit.reports.html_report import ranges, render
from smartcommune.audit.reports.json_report import as_dict
from smartcommune.kit.events import GENESIS, Actor, EventDraft, seal_all

COMMUNE = "12345"


def chain(service: str, commune: str, count: int) -> list[bytes]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    drafts = [
        EventDraft(
            event_type="thing.happened", event_version=1, stream_id=f"s-{n}",
            commune_code=commune, unit_path=f"VN-26/d/{commune}", occurred_at=start,
            actor=Actor.for_service(service), payload={"n": n},
        )
        for n in range(count)
    ]  # fmt: skip
    sealed = seal_all(drafts, service=service, stream_version=1, recorded_at=start, after=GENESIS)
    return [s.wire for s in sealed]


def records(service: str, values: list[bytes], key: str = COMMUNE) -> list[tuple[str, RawRecord]]:
    topic = f"{service}.events.v1"
    return [
        (service, RawRecord(Position(topic, 0, offset), key.encode(), value, 0))
        for offset, value in enumerate(values)
    ]


def test_a_clean_chain_verifies() -> None:
    result = judge(records("dossiers", chain("dossiers", COMMUNE, 5)), COMMUNE, roots=[])
    assert result.exit_code == ExitCode.VERIFIED
    (summary,) = result.chains
    assert (summary.verified, summary.last_seq, summary.finding) == (5, 5, None)


def test_a_redelivered_copy_is_harmless() -> None:
    values = chain("dossiers", COMMUNE, 4)
    result = judge(records("dossiers", [*values[:3], values[2], values[3]]), COMMUNE, roots=[])
    assert result.exit_code == ExitCode.VERIFIED
    assert result.chains[0].redeliveries == 1


@pytest.mark.parametrize(
    ("change", "kind", "offset", "expected_seq"),
    [
        (lambda v: v[:2] + v[3:], "gap", 2, 3),
        (lambda v: [*v[:2], v[3], v[2], *v[4:]], "reorder", 2, 3),
        (lambda v: [*v[:2], v[2].replace(b'"n":2', b'"n":7'), *v[3:]], "altered", 2, 3),
        (lambda v: [*v[:2], b"{not json", *v[3:]], "unreadable", 2, 3),
    ],
)
def test_each_kind_of_tampering_is_found_at_its_record(
    change: object, kind: str, offset: int, expected_seq: int
) -> None:
    values = change(chain("dossiers", COMMUNE, 6))  # type: ignore[operator]
    result = judge(records("dossiers", values), COMMUNE, roots=[])
    assert result.exit_code == ExitCode.TAMPERING
    (finding,) = result.findings
    assert (finding.kind, finding.position.offset, finding.expected_seq) == (
        kind,
        offset,
        expected_seq,
    )


def test_an_event_on_the_wrong_topic_is_foreign() -> None:
    values = chain("dossiers", COMMUNE, 3)
    intruder = chain("identity", COMMUNE, 1)[0]
    result = judge(records("dossiers", [values[0], intruder, *values[1:]]), COMMUNE, roots=[])
    (finding,) = result.findings
    assert (finding.kind, finding.position.offset) == ("foreign", 1)


def test_partition_for_is_kafka_pythons_default_partitioner() -> None:
    class Cluster:
        def topics(self) -> set[str]:
            return {"t"}

        def partitions_for_topic(self, _topic: str) -> set[int]:
            return set(range(64))

        def available_partitions_for_topic(self, _topic: str) -> set[int]:
            return set(range(64))

    partitioner = DefaultPartitioner()
    for code in ("00000", "08920", "12345", "99999", "60000"):
        key = code.encode()
        assert partition_for(key, 64) == partitioner.partition(
            "t", code, key, None, None, Cluster()
        )


def test_only_event_topics_of_the_prefix_are_read() -> None:
    topics = ["dossiers.events.v1", "dossiers.events.v1.dlq", "x.dossiers.events.v1", "other"]
    assert event_topics(topics) == {"dossiers.events.v1": "dossiers"}
    assert event_topics(topics, "x.") == {"x.dossiers.events.v1": "dossiers"}


def test_the_signed_document_leaves_out_only_the_signature_fields() -> None:
    payload = {"decision_number": "1", "signature_cms_b64": "x", "signed_at": "t", "a": 1}
    document = json.loads(signed_document(payload))
    assert SIGNATURE_FIELDS.isdisjoint(document)
    assert document == {"a": 1, "decision_number": "1"}


def test_as_of_a_date_means_the_end_of_that_day_in_vietnam() -> None:
    moment = parse_as_of("2025-06-30")
    assert moment.utcoffset() == timedelta(hours=7)
    assert moment.astimezone(UTC) == datetime(2025, 6, 30, 16, 59, 59, 999_000, tzinfo=UTC)
    assert parse_as_of("2025-06-30T10:00:00Z") == datetime(2025, 6, 30, 10, tzinfo=UTC)


def test_the_most_serious_failure_decides_the_exit_code() -> None:
    assert worst(set()) == ExitCode.VERIFIED
    assert worst({ExitCode.DIVERGENCE, ExitCode.SIGNATURE}) == ExitCode.SIGNATURE
    assert worst({ExitCode.DIVERGENCE, ExitCode.TAMPERING}) == ExitCode.TAMPERING
    assert worst({ExitCode.INCOMPLETE, ExitCode.DIVERGENCE}) == ExitCode.DIVERGENCE


def test_chain_positions_are_shown_as_ranges() -> None:
    assert ranges([1, 2, 3, 4, 7, 9, 10]) == "1-4, 7, 9-10"
    assert ranges([]) == ""


def test_reports_carry_the_verdict_and_the_finding() -> None:
    values = chain("dossiers", COMMUNE, 4)
    result = judge(records("dossiers", values[:1] + values[2:]), COMMUNE, roots=[])
    page = render(result)
    data = as_dict(result)
    assert "Exit code 3" in page
    assert "dossiers.events.v1[0]@1" in page
    assert data["verdict"]["exit_code"] == 3
    assert data["findings"][0]["position"] == {
        "topic": "dossiers.events.v1", "partition": 0, "offset": 1
    }  # fmt: skip
