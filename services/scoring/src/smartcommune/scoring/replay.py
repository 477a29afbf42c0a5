"""The scoring ↔ audit interface: re-evaluate a recorded decision from the events alone.

`ReplayEvaluator.check(events, decision)` keeps, per (service, commune) chain, the events up to
the decision's evidence frontier, rebuilds the unit directory and the facts with the very code
the scoring service runs (`domain.engine`), re-evaluates the criteria set version the decision
names (after checking the set file's SHA-256 against the recorded one) and compares every
indicator of every unit, value by value. Pure: no I/O besides reading the repository's data
files. Projections do not depend on how different chains were interleaved in `events`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from smartcommune.kit.events import EventEnvelope

from .domain.criteria import CriteriaCatalogue
from .domain.engine import ChainHead, Engine, within
from .domain.scorecard import ChainEvidence, ScorecardError
from .domain.units import UnitDirectory

DECISION_TYPES = frozenset({"recognition.decision_issued", "recognition.revocation_issued"})


@dataclass(frozen=True)
class Comparison:
    unit_code: str
    indicator_id: str
    recorded_value: tuple[int, int | None]  # (numerator, denominator)
    recomputed_value: tuple[int, int | None] | None  # None: could not be recomputed
    threshold: int
    recorded_met: bool
    recomputed_met: bool | None
    evidence: tuple[ChainEvidence, ...]  # per source chain: count and chain positions

    @property
    def agrees(self) -> bool:
        return (
            self.recorded_value == self.recomputed_value
            and self.recorded_met == self.recomputed_met
        )


@dataclass(frozen=True)
class DecisionCheck:
    decision_number: str
    decision_event_id: str
    criteria_set_ok: bool
    agrees: bool
    comparisons: list[Comparison]
    frontier: list[ChainHead]
    #: Why `agrees` is false beyond the comparisons (missing events, unknown set, ...).
    problems: list[str]


class ReplayEvaluator:
    def __init__(self, units_file: Path | None = None, criteria_dir: Path | None = None) -> None:
        self._engine = Engine(UnitDirectory.load(units_file), CriteriaCatalogue.load(criteria_dir))

    def check(self, events: Sequence[EventEnvelope], decision: EventEnvelope) -> DecisionCheck:
        if decision.service != "scoring" or decision.event_type not in DECISION_TYPES:
            raise ValueError(f"{decision.event_type} of {decision.service} is not a decision")
        payload: Mapping[str, Any] = decision.payload
        heads = [
            ChainHead(f["service"], f["commune_code"], f["chain_seq"], f["hash"])
            for f in payload["evidence_frontier"]
        ]
        problems = _frontier_problems(events, heads)
        kept = within(events, heads)
        ref = payload["criteria_set"]
        loaded = self._engine.criteria.get(ref["id"], ref["version"])
        set_ok = loaded is not None and loaded.sha256 == ref["sha256"]
        if loaded is None:
            problems.append(f"criteria set {ref['id']} v{ref['version']} is not in the repository")
        elif not set_ok:
            problems.append(f"criteria set {ref['id']} v{ref['version']}: file hash differs")
        recomputed: dict[str, Any] = {}
        if loaded is not None:
            codes = [u["code"] for u in payload["units"]]
            as_of = date.fromisoformat(payload["as_of"])
            try:
                cards = self._engine.scorecards(
                    kept, codes, loaded, as_of, rollup=bool(payload["include_predecessors"])
                )
                recomputed = {card.unit_code: card for card in cards}
            except ScorecardError as exc:
                problems.append(str(exc))
        comparisons = []
        for unit in payload["units"]:
            card = recomputed.get(unit["code"])
            results = {r.indicator_id: r for r in card.indicators} if card else {}
            for recorded in unit["indicators"]:
                result = results.get(recorded["indicator_id"])
                comparisons.append(
                    Comparison(
                        unit["code"],
                        recorded["indicator_id"],
                        (recorded["numerator"], recorded["denominator"]),
                        (result.numerator, result.denominator) if result else None,
                        recorded["threshold"],
                        recorded["met"],
                        result.met if result else None,
                        result.evidence if result else (),
                    )
                )
        agrees = set_ok and not problems and all(c.agrees for c in comparisons)
        return DecisionCheck(
            payload["decision_number"], decision.event_id, set_ok, agrees, comparisons,
            heads, problems,
        )  # fmt: skip


def _frontier_problems(events: Sequence[EventEnvelope], heads: Sequence[ChainHead]) -> list[str]:
    """Every event up to each frontier must be present, and the frontier event's hash match."""
    have: dict[tuple[str, str], dict[int, str]] = {}
    for event in events:
        have.setdefault((event.service, event.commune_code), {})[event.chain_seq] = event.hash
    problems = []
    for head in heads:
        chain = have.get((head.service, head.commune_code), {})
        missing = [seq for seq in range(1, head.chain_seq + 1) if seq not in chain]
        if missing:
            problems.append(
                f"{head.service}/{head.commune_code}: {len(missing)} events up to the frontier "
                f"are missing (first {missing[0]})"
            )
        elif chain[head.chain_seq] != head.hash:
            problems.append(
                f"{head.service}/{head.commune_code}@{head.chain_seq}: hash differs from the "
                "decision's frontier"
            )
    return problems
