"""A decision that rolled up communes merged into the audited one: their chains are read (the
frontier names them), verified like the commune's own, and handed to the re-evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from smartcommune.audit.application.replay import judge, keys_for
from smartcommune.audit.domain.findings import DecisionVerdict
from smartcommune.audit.domain.log import ChainKey, Position, RawRecord
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.reports.html_report import render
from smartcommune.audit.reports.json_report import as_dict
from smartcommune.kit.events import GENESIS, Actor, EventDraft, EventEnvelope, seal, seal_all

COMMUNE, MERGED = "12345", "12399"
START = datetime(2026, 1, 1, tzinfo=UTC)


def sealed(service: str, commune: str, count: int) -> list[EventEnvelope]:
    drafts = [
        EventDraft(
            event_type="thing.happened", event_version=1, stream_id=f"s-{commune}-{n}",
            commune_code=commune, unit_path=f"VN-26/d/{commune}", occurred_at=START,
            actor=Actor.for_service(service), payload={"n": n},
        )
        for n in range(count)
    ]  # fmt: skip
    chain = seal_all(drafts, service=service, stream_version=1, recorded_at=START, after=GENESIS)
    return [s.envelope for s in chain]


def decision(frontier: Iterable[EventEnvelope]) -> EventEnvelope:
    entries = [
        {"service": e.service, "commune_code": e.commune_code, "chain_seq": e.chain_seq,
         "hash": e.hash}
        for e in frontier
    ]  # fmt: skip
    draft = EventDraft(
        event_type="recognition.decision_issued", event_version=1, stream_id="decision-1",
        commune_code=COMMUNE, unit_path="VN-26/d/12345", occurred_at=START,
        actor=Actor.for_service("scoring"),
        payload={"decision_number": "1/QĐ", "evidence_frontier": entries},
    )  # fmt: skip
    return seal(draft, service="scoring", stream_version=1, recorded_at=START, after=GENESIS)


def records(events: Sequence[EventEnvelope], partition: int = 0) -> list[tuple[str, RawRecord]]:
    return [
        (e.service, RawRecord(Position(f"{e.service}.events.v1", partition, offset),
                              e.commune_code.encode(), e.to_wire(), 0))
        for offset, e in enumerate(events)
    ]  # fmt: skip


@dataclass
class Recorder:
    """An evaluator that agrees, remembering the events it was given."""

    seen: list[EventEnvelope] = field(default_factory=list)

    def check(self, events: Sequence[EventEnvelope], decision: EventEnvelope) -> Any:
        self.seen = list(events)

        @dataclass(frozen=True)
        class Agreeing:
            criteria_set_ok: bool = True
            agrees: bool = True
            comparisons: tuple[()] = ()

        return Agreeing()


def check_named(verdict: DecisionVerdict, name: str) -> tuple[bool, str]:
    found = [c for c in verdict.checks if c.name == name]
    assert found, [c.name for c in verdict.checks]
    return all(c.ok for c in found), "; ".join(c.detail for c in found)


def history(
    *, drop_from_merged: bool = False
) -> tuple[list[tuple[str, RawRecord]], list[tuple[str, RawRecord]]]:
    """(the commune's records: its dossiers chain and the decision; the merged commune's)."""
    own, predecessor = sealed("dossiers", COMMUNE, 3), sealed("dossiers", MERGED, 4)
    made = decision([own[-1], predecessor[-1]])
    merged = records(predecessor, partition=1)
    if drop_from_merged:
        merged = merged[:1] + merged[2:]
    return [*records(own), *records([made])], merged


def test_the_communes_a_frontier_names_are_read_verified_and_re_evaluated() -> None:
    own, merged = history()
    asked: list[frozenset[str]] = []

    def more(communes: frozenset[str]) -> list[tuple[str, RawRecord]]:
        asked.append(communes)
        return merged

    evaluator = Recorder()
    result = judge(own, COMMUNE, roots=[], evaluator=evaluator, more=more)
    assert asked == [frozenset({MERGED})]
    assert result.related_communes == [MERGED]
    assert result.findings == []
    summaries = {c.chain: c for c in result.chains}
    assert summaries[ChainKey("dossiers", MERGED)].verified == 4
    (verdict,) = result.decisions
    assert check_named(verdict, "evidence frontier")[0]
    assert check_named(verdict, "re-evaluation")[0]
    given = {(e.commune_code, e.chain_seq) for e in evaluator.seen if e.service == "dossiers"}
    assert {(MERGED, n) for n in range(1, 5)} <= given
    assert {(COMMUNE, n) for n in range(1, 4)} <= given
    # only the missing signature fails this unsigned decision: no tampering, nothing incomplete
    assert result.exit_code == ExitCode.SIGNATURE
    assert as_dict(result)["related_communes"] == [MERGED]
    assert f"the chains of {MERGED}" in render(result)


def test_a_gap_in_a_merged_communes_chain_is_tampering() -> None:
    own, merged = history(drop_from_merged=True)
    result = judge(own, COMMUNE, roots=[], evaluator=Recorder(), more=lambda _: merged)
    (finding,) = result.findings
    assert (finding.chain, finding.kind) == (ChainKey("dossiers", MERGED), "gap")
    assert (finding.position.partition, finding.position.offset) == (1, 2)  # after the gap
    (verdict,) = result.decisions
    ok, detail = check_named(verdict, "evidence frontier")
    assert not ok
    assert "dossiers/12399" in detail
    assert result.exit_code == ExitCode.TAMPERING


def test_without_reading_them_the_frontier_is_incomplete() -> None:
    own, _ = history()
    result = judge(own, COMMUNE, roots=[], evaluator=Recorder())
    (verdict,) = result.decisions
    ok, detail = check_named(verdict, "evidence frontier")
    assert not ok
    assert "not in the replayed partitions" in detail


def test_the_merged_communes_keys_are_planned_with_the_communes_own() -> None:
    keys = keys_for(COMMUNE, MERGED, COMMUNE)
    assert keys("dossiers") == [COMMUNE, MERGED]
    assert keys("identity") == [COMMUNE, MERGED, "00000"]
    assert keys_for(MERGED, certificates=False)("identity") == [MERGED]


def test_a_chain_is_missing_even_when_its_commune_has_other_chains() -> None:
    """Identity's `00000` chain (certificates) is always read; scoring's `00000` chain (district
    master data) named by a frontier still has to be fetched."""
    own, identity = sealed("dossiers", COMMUNE, 2), sealed("identity", "00000", 2)
    master = sealed("scoring", "00000", 3)
    made = decision([own[-1], master[-1]])
    asked: list[frozenset[str]] = []

    def more(communes: frozenset[str]) -> list[tuple[str, RawRecord]]:
        asked.append(communes)
        return records(master, partition=2)

    result = judge(
        [*records(own), *records(identity), *records([made])], COMMUNE, roots=[],
        evaluator=Recorder(), more=more,
    )  # fmt: skip
    assert asked == [frozenset({"00000"})]
    (verdict,) = result.decisions
    assert check_named(verdict, "evidence frontier")[0]
