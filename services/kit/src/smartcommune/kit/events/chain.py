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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final, Literal, NamedTuple

from .canonical import canonical_bytes, encode_normalized, normalize
from .envelope import Actor, EventDraft, EventEnvelope, _SealFields, was_validated

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


class Sealed(NamedTuple):
    """A sealed event and its wire bytes, made from the one encoding that was hashed."""

    envelope: EventEnvelope
    wire: bytes  # == envelope.to_wire()


def seal(
    draft: EventDraft,
    *,
    service: str,
    stream_version: int,
    recorded_at: datetime,
    after: Frontier,
) -> EventEnvelope:
    """Complete `draft` as the event following `after` in the chain of (service, commune)."""
    (sealed,) = seal_all(
        [draft],
        service=service,
        stream_version=stream_version,
        recorded_at=recorded_at,
        after=after,
    )
    return sealed.envelope


def seal_all(
    drafts: Sequence[EventDraft],
    *,
    service: str,
    stream_version: int,
    recorded_at: datetime,
    after: Frontier,
) -> list[Sealed]:
    """Seal `drafts` as consecutive events of one stream and chain, each with its wire bytes.

    The first becomes `stream_version` and follows `after`; each next one takes the next
    version and follows the one before it. The wire bytes are those that were hashed, so the
    store never encodes an event again.

    Every envelope is validated exactly once. The sealing fields are validated for the first
    event; the next ones differ only by counters that stay positive and by the digest just
    computed. A draft that pydantic validated (`was_validated`) already holds every rule of the
    envelope's draft fields, so its envelope is assembled without validating them again. Any
    other draft — from `model_copy(update=...)` or `model_construct()` — is validated in full,
    field by field, as part of its envelope.
    """
    first = _SealFields(
        service=service,
        stream_version=stream_version,
        recorded_at=recorded_at,
        chain_seq=after.chain_seq + 1,
        prev_hash=after.hash,
    )
    first_json = first.model_dump(mode="json")
    sealed: list[Sealed] = []
    prev_hash = first.prev_hash
    for offset, draft in enumerate(drafts):
        # Integers and hex strings are their own JSON form.
        moving = {
            "stream_version": first.stream_version + offset,
            "chain_seq": first.chain_seq + offset,
            "prev_hash": prev_hash,
        }
        event = _seal_one(draft, first.__dict__ | moving, first_json | moving)
        sealed.append(event)
        prev_hash = event.envelope.hash
    return sealed


def _seal_one(draft: EventDraft, added: dict[str, Any], added_json: dict[str, Any]) -> Sealed:
    """Seal one draft with validated sealing fields (`added`, and their JSON form)."""
    if _validated_draft(draft):
        fields = draft.__dict__ | added
        data = draft.model_dump(mode="json") | added_json
    else:
        unsealed = EventEnvelope.model_validate(
            draft.model_dump(mode="json") | added_json | {"hash": GENESIS_HASH}
        )
        fields = unsealed.__dict__.copy()
        del fields["hash"]
        data = unsealed.model_dump(mode="json", exclude={"hash"})
    digest, wire = _hash_and_wire(normalize(data))
    # Every field was validated (or is the digest of the validated fields), so the envelope is
    # assembled without validating it once more.
    return Sealed(EventEnvelope.model_construct(**fields, hash=digest), wire)


def _validated_draft(draft: EventDraft) -> bool:
    # Exact types: a subclass may carry fields the envelope does not have. (A validated draft
    # holds an actor it validated itself; checking it too costs nothing and states the rule.)
    return (
        type(draft) is EventDraft
        and type(draft.actor) is Actor
        and was_validated(draft)
        and was_validated(draft.actor)
    )


def _hash_and_wire(data: dict[str, Any]) -> tuple[str, bytes]:
    """SHA-256 of `data` (an envelope without `hash`, normalised) and the wire bytes with it.

    Both come from one encoding. A canonical object is `{`, its members sorted by key and joined
    by `,`, then `}`; so the members before `"hash"` and those after it are encoded once, and
    the hashed bytes and the wire bytes are the two ways of joining them — with and without the
    `"hash"` member in its sorted place. The result is byte for byte `canonical_bytes` of the
    envelope without and with `hash` (the tests compare them).
    """
    before = encode_normalized({k: v for k, v in data.items() if k < "hash"})[1:-1]
    after = encode_normalized({k: v for k, v in data.items() if k > "hash"})[1:-1]
    members = [part for part in (before, after) if part]
    digest = hashlib.sha256(("{" + ",".join(members) + "}").encode("utf-8")).hexdigest()
    members.insert(1 if before else 0, f'"hash":"{digest}"')
    return digest, ("{" + ",".join(members) + "}").encode("utf-8")


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
