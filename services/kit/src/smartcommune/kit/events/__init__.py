"""Events: the envelope, its canonical JSON, payload schemas with upcasters, and hash chains."""

from .canonical import CanonicalJSONError, canonical_bytes, parse_json
from .chain import (
    GENESIS,
    GENESIS_HASH,
    ChainProblem,
    ChainReport,
    Frontier,
    ProblemKind,
    Sealed,
    compute_hash,
    seal,
    seal_all,
    verify_chain,
)
from .envelope import Actor, EventDraft, EventEnvelope
from .registry import EventPayload, PayloadRegistry, UnknownEventError, Upcaster
from .uuid7 import new_event_id, uuid7

__all__ = [
    "GENESIS",
    "GENESIS_HASH",
    "Actor",
    "CanonicalJSONError",
    "ChainProblem",
    "ChainReport",
    "EventDraft",
    "EventEnvelope",
    "EventPayload",
    "Frontier",
    "PayloadRegistry",
    "ProblemKind",
    "Sealed",
    "UnknownEventError",
    "Upcaster",
    "canonical_bytes",
    "compute_hash",
    "new_event_id",
    "parse_json",
    "seal",
    "seal_all",
    "uuid7",
    "verify_chain",
]
