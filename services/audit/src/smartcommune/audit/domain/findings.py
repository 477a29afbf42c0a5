"""Findings: what is wrong with a chain, and the verdict on each decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .log import ChainKey, Position
from .outcome import ExitCode

#: Chain problem kinds beyond the kit's `ProblemKind`: a record audit could not even read.
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ChainFinding:
    """The first problem of one chain; nothing after it in that chain counts as evidence."""

    chain: ChainKey
    kind: str  # a kit `ProblemKind` value, or UNREADABLE
    position: Position
    event_id: str | None
    chain_seq: int | None  # what the offending record claims (None when unreadable)
    expected_seq: int  # the chain position that should have come there
    detail: str
    #: For a duplicate: where the first, accepted event with that chain_seq was.
    conflicting_position: Position | None = None

    def describe(self) -> str:
        claimed = f"claims #{self.chain_seq}" if self.chain_seq is not None else "unreadable"
        where = f"{self.position} ({claimed}, expected #{self.expected_seq})"
        text = f"{self.chain}: {self.kind} at {where}: {self.detail}"
        if self.conflicting_position is not None:
            text += f"; the event accepted as #{self.chain_seq} is at {self.conflicting_position}"
        return text


@dataclass(frozen=True)
class ChainSummary:
    chain: ChainKey
    verified: int
    redeliveries: int
    last_seq: int
    last_hash: str
    first_recorded: datetime | None
    last_recorded: datetime | None
    finding: ChainFinding | None


@dataclass(frozen=True)
class Check:
    """One named check of a decision: passed or not, with the reason in words."""

    name: str
    ok: bool
    detail: str = ""
    code: ExitCode = ExitCode.TAMPERING  # what a failure of this check means


@dataclass(frozen=True)
class Evidence:
    """The events behind one number: per source chain, how many and which chain positions."""

    chain: str
    count: int
    chain_seqs: tuple[int, ...]
    positions: tuple[Position, ...] = ()


@dataclass(frozen=True)
class Comparison:
    unit_code: str
    indicator_id: str
    recorded: Any
    recomputed: Any
    threshold: Any
    recorded_met: bool | None
    recomputed_met: bool | None
    evidence: tuple[Evidence, ...]

    @property
    def agrees(self) -> bool:
        return self.recorded == self.recomputed and self.recorded_met == self.recomputed_met


@dataclass
class DecisionVerdict:
    decision_number: str
    event_type: str
    event_id: str
    position: Position
    decided_on: str
    occurred_at: datetime
    payload: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    signer: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> set[ExitCode]:
        return {check.code for check in self.checks if not check.ok}

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def first_failure(self) -> Check | None:
        return next((check for check in self.checks if not check.ok), None)
