"""Grouping a commune's records into (service, commune) chains and verifying each one.

A record belongs to the chain named by *where it was found* — the service of its topic and the
commune of its key — never by what its body claims: that is how an event copied from another
commune or another service's topic shows up as `foreign` (the kit's `verify_chain` compares the
claim with the chain it is asked to verify). Each chain is verified with the kit's own
`verify_chain`, in the order the records sit in their partition; only the verified prefix is
evidence, and only its events are handed on to re-evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from smartcommune.kit.events import (
    GENESIS,
    CanonicalJSONError,
    EventEnvelope,
    ProblemKind,
    parse_json,
    verify_chain,
)

from ..domain.findings import UNREADABLE, ChainFinding, ChainSummary
from ..domain.log import ChainKey, LocatedEvent, Position, RawRecord


@dataclass
class ChainInput:
    """A chain's records in partition order: events, with the first unreadable record if any."""

    key: ChainKey
    events: list[LocatedEvent] = field(default_factory=list)
    unreadable: tuple[Position, int | None, str] | None = None  # position, claimed seq, why


@dataclass
class VerifiedChain:
    key: ChainKey
    events: list[LocatedEvent]  # the verified prefix, one per chain position, in chain order
    summary: ChainSummary

    @property
    def hashes(self) -> dict[int, str]:
        return {e.envelope.chain_seq: e.envelope.hash for e in self.events}


def decode(record: RawRecord) -> EventEnvelope | tuple[int | None, str]:
    """The envelope of a record, or (the chain_seq it seems to claim, why it is unreadable)."""
    if record.value is None:
        return None, "the record has no value"
    try:
        return EventEnvelope.from_wire(record.value)
    except (ValidationError, CanonicalJSONError, UnicodeDecodeError, ValueError) as exc:
        return _claimed_seq(record.value), _short(exc)


def _claimed_seq(value: bytes) -> int | None:
    try:
        data = parse_json(value)
    except (CanonicalJSONError, UnicodeDecodeError, ValueError):
        return None
    seq = data.get("chain_seq") if isinstance(data, dict) else None
    return seq if isinstance(seq, int) else None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()
    return " ".join(line.strip() for line in text[:3])[:300]


def collect(records: Iterable[tuple[str, RawRecord]]) -> dict[ChainKey, ChainInput]:
    """(service, record) pairs → chain inputs, keyed by topic service and record key."""
    chains: dict[ChainKey, ChainInput] = {}
    for service, record in records:
        commune = record.key.decode("utf-8", "replace") if record.key is not None else ""
        key = ChainKey(service, commune)
        chain = chains.get(key)
        if chain is None:
            chain = chains[key] = ChainInput(key)
        if chain.unreadable is not None:
            continue  # verification stops at the first unreadable record anyway
        decoded = decode(record)
        if isinstance(decoded, EventEnvelope):
            chain.events.append(LocatedEvent(decoded, record.position))
        else:
            chain.unreadable = (record.position, decoded[0], decoded[1])
    return chains


def verify(chain: ChainInput) -> VerifiedChain:
    """Verify one chain with the kit; the first problem (or unreadable record) is its finding."""
    located = [(e.envelope, e.position) for e in chain.events]
    report = verify_chain(located, chain.key.service, chain.key.commune_code, start=GENESIS)
    end = report.problem.index if report.problem is not None else len(chain.events)
    accepted: dict[int, LocatedEvent] = {}
    for item in chain.events[:end]:
        seq = item.envelope.chain_seq
        if seq <= report.frontier.chain_seq and seq not in accepted:
            accepted[seq] = item
    verified = [accepted[seq] for seq in sorted(accepted)]
    finding = None
    if report.problem is not None:
        problem = report.problem
        assert isinstance(problem.location, Position)
        conflict = None
        if problem.kind is ProblemKind.DUPLICATE and problem.chain_seq in accepted:
            conflict = accepted[problem.chain_seq].position
        finding = ChainFinding(
            chain=chain.key,
            kind=problem.kind.value,
            position=problem.location,
            event_id=problem.event_id,
            chain_seq=problem.chain_seq,
            expected_seq=problem.expected_seq,
            detail=problem.detail,
            conflicting_position=conflict,
        )
    elif chain.unreadable is not None:
        position, claimed, why = chain.unreadable
        finding = ChainFinding(
            chain=chain.key,
            kind=UNREADABLE,
            position=position,
            event_id=None,
            chain_seq=claimed,
            expected_seq=report.frontier.chain_seq + 1,
            detail=f"not a valid event envelope: {why}",
        )
    times = [e.envelope.recorded_at for e in verified]
    summary = ChainSummary(
        chain=chain.key,
        verified=len(verified),
        redeliveries=report.redeliveries,
        last_seq=report.frontier.chain_seq,
        last_hash=report.frontier.hash,
        first_recorded=min(times) if times else None,
        last_recorded=max(times) if times else None,
        finding=finding,
    )
    return VerifiedChain(chain.key, verified, summary)
