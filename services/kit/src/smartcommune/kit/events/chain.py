"""Per-(service, commune) hash chains: how an event is sealed into one, and how one is verified.

Every service keeps one chain per commune. Event *n* carries `chain_seq = n` and the hash of
event *n-1* as `prev_hash` (the first one carries `GENESIS_HASH`), and its own `hash` is SHA-256
over the canonical JSON of the envelope without `hash`. Changing, dropping, inserting or
reordering any event therefore shows at that point of the chain, and the last (seq, hash) pair —
the *frontier* — commits to everything before it. Recognition decisions record frontiers as their
evidence; `verify_chain` is what the audit replay and the store's tests use to check them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final, Literal

from .canonical import canonical_bytes
from .envelope import EventDraft, EventEnvelope
from .fields import format_utc

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Frontier:
    """The last event of a chain prefix: `chain_seq` 0 and `GENESIS_HASH` for an empty chain."""

    chain_seq: int
    hash: str


GENESIS = Frontier(0, GENESIS_HASH)


def compute_hash(envelope: EventEnvelope) -> str:
    """The hash `envelope` should carry, recomputed from its other fields."""
    return hashlib.sha256(canonical_bytes(envelope.hashed_fields())).hexdigest()


def seal(
    draft: EventDraft,
    *,
    service: str,
    stream_version: int,
    recorded_at: datetime,
    after: Frontier,
) -> EventEnvelope:
    """Complete `draft` as the event following `after` in the chain of (service, commune)."""
    fields = draft.model_dump(mode="json") | {
        "service": service,
        "stream_version": stream_version,
        "recorded_at": format_utc(recorded_at),
        "chain_seq": after.chain_seq + 1,
        "prev_hash": after.hash,
    }
    # Validate first with a placeholder hash, then hash the validated form: the hash is thus
    # over exactly the bytes `to_wire()` will produce, whatever validation normalised.
    unsealed = EventEnvelope.model_validate(fields | {"hash": GENESIS_HASH})
    return unsealed.model_copy(update={"hash": compute_hash(unsealed)})


class ProblemKind(StrEnum):
    """What can be wrong with a chain, in the order `verify_chain` looks for it on each event."""

    FOREIGN = "foreign"  # the event belongs to another (service, commune) chain
    ALTERED = "altered"  # its hash does not match its content
    DUPLICATE = "duplicate"  # a second, different event with a chain_seq already seen
    REORDER = "reorder"  # a later event came first; the missing one arrives afterwards
    GAP = "gap"  # an event is missing and never arrives
    BROKEN_LINK = "broken_link"  # its prev_hash is not the hash of the event before it


@dataclass(frozen=True)
class ChainProblem:
    kind: ProblemKind
    index: int  # 0-based position in the input
    location: object  # the caller's location for that input (its index when none was given)
    event_id: str
    chain_seq: int  # what the offending event claims
    expected_seq: int  # what should have come
    detail: str


@dataclass(frozen=True)
class ChainReport:
    service: str
    commune_code: str
    frontier: Frontier  # the last event verified in order — the evidence that can be trusted
    verified: int  # events verified in order
    redeliveries: int  # identical copies (same event id and hash) skipped as harmless
    problem: ChainProblem | None  # the FIRST problem; nothing after it was verified

    @property
    def ok(self) -> bool:
        return self.problem is None


#: An envelope, or an (envelope, location) pair; the location is opaque to verification.
Located = EventEnvelope | tuple[EventEnvelope, object]
_REDELIVERY: Final = "redelivery"


def _located(events: Iterable[Located]) -> Iterator[tuple[int, EventEnvelope, object]]:
    for index, item in enumerate(events):
        if isinstance(item, EventEnvelope):
            yield index, item, index
        else:
            yield index, item[0], item[1]


def verify_chain(
    events: Iterable[Located],
    service: str,
    commune_code: str,
    *,
    start: Frontier = GENESIS,
) -> ChainReport:
    """Verify events of one chain in the order given, reporting the first problem.

    `events` are envelopes, or `(envelope, location)` pairs whose location is opaque here
    (the audit passes topic/partition/offset). `start` verifies a suffix after a trusted
    frontier. Events are consumed lazily; only a map of seq → hash is kept, to tell a harmless
    redelivery from a forked duplicate. A truncated chain is a valid prefix: compare the
    report's frontier with the frontier a decision recorded to detect it.
    """
    items = _located(events)
    frontier, seen = start, {start.chain_seq: start.hash}
    verified = redeliveries = 0
    for index, event, location in items:
        verdict = _judge(event, (service, commune_code), frontier, seen, items)
        if verdict == _REDELIVERY:
            redeliveries += 1
        elif verdict is None:
            frontier, seen[event.chain_seq] = Frontier(event.chain_seq, event.hash), event.hash
            verified += 1
        else:
            kind, detail = verdict
            expected = frontier.chain_seq + 1
            found = ChainProblem(
                kind, index, location, event.event_id, event.chain_seq, expected, detail
            )
            return ChainReport(service, commune_code, frontier, verified, redeliveries, found)
    return ChainReport(service, commune_code, frontier, verified, redeliveries, None)


def _judge(
    event: EventEnvelope,
    chain: tuple[str, str],
    frontier: Frontier,
    seen: dict[int, str],
    rest: Iterator[tuple[int, EventEnvelope, object]],
) -> tuple[ProblemKind, str] | Literal["redelivery"] | None:
    """None if `event` extends the chain, `_REDELIVERY` if it is a copy, else the problem."""
    if (event.service, event.commune_code) != chain:
        return ProblemKind.FOREIGN, f"event of chain {(event.service, event.commune_code)}"
    if compute_hash(event) != event.hash:
        return ProblemKind.ALTERED, "hash does not match the event's content"
    seq, expected = event.chain_seq, frontier.chain_seq + 1
    if seq < expected:
        known = seen.get(seq)
        if known == event.hash:
            return _REDELIVERY
        if known is not None:
            return ProblemKind.DUPLICATE, f"a different event #{seq} came before"
        return ProblemKind.REORDER, f"#{seq} belongs before the start frontier"
    if seq > expected:
        # Out of order or missing? Only the rest of the input can tell: look for the missing
        # event (consuming the input — verification stops at this problem anyway).
        wanted = (*chain, expected)
        if any((e.service, e.commune_code, e.chain_seq) == wanted for _, e, _ in rest):
            return ProblemKind.REORDER, f"#{seq} came before #{expected}"
        return ProblemKind.GAP, f"#{expected} is missing"
    if event.prev_hash != frontier.hash:
        return ProblemKind.BROKEN_LINK, f"prev_hash is not the hash of #{seq - 1}"
    return None
