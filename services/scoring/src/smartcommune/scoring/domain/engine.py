"""The one evaluation path, shared by the running service and `ReplayEvaluator`:
events → (unit directory, facts) → scorecards; and the evidence frontier of a set of events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from smartcommune.kit.events import EventEnvelope

from .criteria import CriteriaCatalogue, LoadedSet
from .facts import FactBook
from .scorecard import Scorecard, evaluate
from .units import UNIT_EVENTS, UnitDirectory, apply_unit_event


@dataclass(frozen=True)
class ChainHead:
    service: str
    commune_code: str
    chain_seq: int
    hash: str


def contiguous(
    events: Iterable[EventEnvelope], after: Mapping[tuple[str, str], int] | None = None
) -> list[EventEnvelope]:
    """Per chain, the gapless prefix from chain_seq 1 (duplicates dropped): what a frontier can
    vouch for. An event behind a gap waits until the gap is filled. With `after` (per chain the
    last position already held), the gapless run that follows it instead."""
    chains: dict[tuple[str, str], dict[int, EventEnvelope]] = {}
    for event in events:
        chains.setdefault((event.service, event.commune_code), {})[event.chain_seq] = event
    kept: list[EventEnvelope] = []
    for key in sorted(chains):
        by_seq, seq = chains[key], (after or {}).get(key, 0) + 1
        while seq in by_seq:
            kept.append(by_seq[seq])
            seq += 1
    return kept


def frontier(events: Iterable[EventEnvelope]) -> list[ChainHead]:
    """The last event of each chain among `events` (assumed contiguous)."""
    heads: dict[tuple[str, str], EventEnvelope] = {}
    for event in events:
        key = (event.service, event.commune_code)
        if key not in heads or heads[key].chain_seq < event.chain_seq:
            heads[key] = event
    return [
        ChainHead(e.service, e.commune_code, e.chain_seq, e.hash) for _, e in sorted(heads.items())
    ]


def within(events: Iterable[EventEnvelope], heads: Sequence[ChainHead]) -> list[EventEnvelope]:
    """The events at or before the frontier; chains the frontier does not name are left out."""
    limit = {(h.service, h.commune_code): h.chain_seq for h in heads}
    return [e for e in events if e.chain_seq <= limit.get((e.service, e.commune_code), 0)]


def directory_of(base: UnitDirectory, events: Iterable[EventEnvelope]) -> UnitDirectory:
    """The file's directory with the `admin_unit.*` events applied (ordered independently of
    how chains were interleaved: by business time, then chain)."""
    directory = base.copy()
    changes = [e for e in events if e.service == "scoring" and e.event_type in UNIT_EVENTS]
    for event in sorted(changes, key=lambda e: (e.occurred_at, e.commune_code, e.chain_seq)):
        apply_unit_event(directory, event.event_type, event.payload)
    return directory


@dataclass(frozen=True)
class Engine:
    """Base units and criteria sets; everything else comes from the events handed in."""

    units: UnitDirectory
    criteria: CriteriaCatalogue

    def scorecard(
        self,
        events: Sequence[EventEnvelope],
        unit_code: str,
        loaded: LoadedSet,
        as_of: date,
        *,
        rollup: bool = False,
        directory: UnitDirectory | None = None,
    ) -> Scorecard:
        return self.scorecards(
            events, [unit_code], loaded, as_of, rollup=rollup, directory=directory
        )[0]

    def scorecards(
        self,
        events: Sequence[EventEnvelope],
        unit_codes: Sequence[str],
        loaded: LoadedSet,
        as_of: date,
        *,
        rollup: bool = False,
        directory: UnitDirectory | None = None,
    ) -> list[Scorecard]:
        """One fold of the events, then one scorecard per unit."""
        directory = directory or directory_of(self.units, events)
        book = FactBook.of(events, as_of)
        return self.scorecards_of_book(book, directory, unit_codes, loaded, as_of, rollup=rollup)

    def scorecards_of_book(
        self,
        book: FactBook,
        directory: UnitDirectory,
        unit_codes: Sequence[str],
        loaded: LoadedSet,
        as_of: date,
        *,
        rollup: bool = False,
    ) -> list[Scorecard]:
        """One scorecard per unit from facts already folded (by `scorecards`, or kept
        incrementally by the service: `adapters.factbooks`) as of `as_of`."""
        return [
            evaluate(directory, self.criteria, book, code, loaded, as_of, rollup=rollup)
            for code in unit_codes
        ]
