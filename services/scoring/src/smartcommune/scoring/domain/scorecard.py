"""Scorecards: a unit, a criteria set and an as-of date → every indicator with its value,
threshold (chosen by the unit's group and flags), verdict and evidence; then the decision rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .criteria import CriteriaCatalogue, Indicator, LoadedSet
from .facts import FactBook, Pos
from .metrics import CATALOGUE, Measure, Scope
from .units import UnitDirectory


class ScorecardError(ValueError):
    """The question cannot be answered (unknown unit, wrong level); `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class ChainEvidence:
    service: str
    commune_code: str
    count: int
    chain_seqs: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service, "commune_code": self.commune_code,
            "count": self.count, "chain_seqs": list(self.chain_seqs),
        }  # fmt: skip


def group_evidence(positions: Iterable[Pos]) -> tuple[ChainEvidence, ...]:
    chains: dict[tuple[str, str], set[int]] = {}
    for pos in positions:
        chains.setdefault((pos.service, pos.commune_code), set()).add(pos.chain_seq)
    return tuple(
        ChainEvidence(service, commune, len(seqs), tuple(sorted(seqs)))
        for (service, commune), seqs in sorted(chains.items())
    )


@dataclass(frozen=True)
class IndicatorResult:
    indicator_id: str
    title_vi: str
    title_en: str
    unit: str
    numerator: int
    denominator: int | None
    threshold: int
    threshold_basis: str
    met: bool
    mandatory: bool
    evidence: tuple[ChainEvidence, ...]

    @property
    def value_permille(self) -> int | None:
        if self.denominator is None:
            return None
        return (self.numerator * 1000) // self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "title": {"vi": self.title_vi, "en": self.title_en},
            "unit": self.unit,
            "value": {"numerator": self.numerator, "denominator": self.denominator},
            "value_permille": self.value_permille,
            "threshold": {"min": self.threshold, "basis": self.threshold_basis},
            "met": self.met,
            "mandatory": self.mandatory,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Scorecard:
    unit_code: str
    unit_path: str
    unit_name: str
    criteria_set: dict[str, Any]
    as_of: date
    rollup: bool
    indicators: tuple[IndicatorResult, ...]
    meets: bool
    failing_mandatory: tuple[str, ...]
    optional_met: int
    optional_needed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit_code, "unit_path": self.unit_path, "unit_name": self.unit_name,
            "criteria_set": self.criteria_set, "as_of": self.as_of.isoformat(),
            "include_predecessors": self.rollup, "meets": self.meets,
            "failing_mandatory": list(self.failing_mandatory),
            "optional_met": self.optional_met, "optional_needed": self.optional_needed,
            "indicators": [i.as_dict() for i in self.indicators],
        }  # fmt: skip


def scope_for(units: UnitDirectory, code: str, as_of: date, *, rollup: bool = False) -> Scope:
    """The facts a unit covers: its villages (and, with `rollup`, those of the units merged
    into it), its communes' dossiers, and the villages counted as its villages."""
    unit = units.get(code)
    if unit is None:
        raise ScorecardError("unit_code", f"unknown unit {code}")
    codes = {code} | (units.predecessors(code) if rollup else set())
    villages: set[str] = set()
    communes: set[str] = set()
    for current in sorted(codes):
        member = units.get(current)
        if member is None:
            continue
        if member.type == "village":
            villages.add(current)
        elif member.is_commune_level:
            communes.add(current)
            villages.update(v.code for v in units.villages_under(current))
        else:
            for commune in units.units.values():
                if commune.is_commune_level and commune.path.startswith(member.path + "/"):
                    communes.add(commune.code)
                    villages.update(v.code for v in units.villages_under(commune.code))
    if rollup:
        for village in list(villages):
            villages |= units.predecessors(village)
    reference = as_of
    if unit.valid_to is not None and unit.valid_to < as_of:
        reference = unit.valid_to
    counted = {v.code for v in units.villages_under(code, reference)}
    return Scope(frozenset(villages), frozenset(communes), frozenset(counted), as_of)


def _met(indicator: Indicator, numerator: int, denominator: int | None, minimum: int) -> bool:
    if indicator.unit == "count":
        return numerator >= minimum
    if not denominator:
        return indicator.when_empty == "met"
    return numerator * 1000 >= minimum * denominator


def evaluate(
    units: UnitDirectory,
    criteria: CriteriaCatalogue,
    book: FactBook,
    code: str,
    loaded: LoadedSet,
    as_of: date,
    *,
    rollup: bool = False,
    _depth: int = 0,
) -> Scorecard:
    unit = units.get(code)
    if unit is None:
        raise ScorecardError("unit_code", f"unknown unit {code}")
    level = loaded.criteria.level
    if (level == "village") != (unit.type == "village") or (
        level == "commune" and not unit.is_commune_level
    ):
        raise ScorecardError(
            "criteria_set", f"{loaded.criteria.id} applies to a {level}, {code} is a {unit.type}"
        )
    base = scope_for(units, code, as_of, rollup=rollup)
    group, flags = units.group_and_flags(code)
    results = []
    for indicator in loaded.criteria.indicators:
        scope = Scope(
            base.villages, base.communes, base.counted_villages, as_of,
            indicator.params.window_days, indicator.params.criteria_set,
            indicator.params.criteria_set_version,
        )  # fmt: skip
        if indicator.numerator == "criteria_set.met":
            numerator = _nested(units, criteria, book, code, scope, rollup, _depth)
        else:
            numerator = CATALOGUE[indicator.numerator].fn(book, scope)
        denominator = (
            CATALOGUE[indicator.denominator].fn(book, scope) if indicator.denominator else None
        )
        minimum, basis = indicator.threshold.applied(group, flags)
        positions = numerator.evidence | (denominator.evidence if denominator else frozenset())
        results.append(
            IndicatorResult(
                indicator.id,
                indicator.title.vi,
                indicator.title.en,
                indicator.unit,
                numerator.value,
                denominator.value if denominator else None,
                minimum,
                basis,
                _met(
                    indicator, numerator.value, denominator.value if denominator else None, minimum
                ),
                indicator.mandatory,
                group_evidence(positions),
            )
        )
    failing = tuple(r.indicator_id for r in results if r.mandatory and not r.met)
    optional_met = sum(1 for r in results if not r.mandatory and r.met)
    needed = loaded.criteria.decision_rule.min_optional_met
    return Scorecard(
        code, unit.path, unit.name, loaded.ref, as_of, rollup, tuple(results),
        not failing and optional_met >= needed, failing, optional_met, needed,
    )  # fmt: skip


def _nested(
    units: UnitDirectory,
    criteria: CriteriaCatalogue,
    book: FactBook,
    code: str,
    scope: Scope,
    rollup: bool,
    depth: int,
) -> Measure:
    nested = criteria.get(scope.criteria_set or "", scope.criteria_set_version or 1)
    if nested is None or depth > 3:
        return Measure(0, frozenset())
    card = evaluate(
        units, criteria, book, code, nested, scope.as_of, rollup=rollup, _depth=depth + 1
    )
    positions = {
        Pos(e.service, e.commune_code, seq)
        for result in card.indicators
        for e in result.evidence
        for seq in e.chain_seqs
    }
    return Measure(1 if card.meets else 0, frozenset(positions))
