"""Reads: criteria sets, units, scorecards."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from smartcommune.kit.auth import Principal

from ..domain.facts import FactBook
from ..domain.metrics import CATALOGUE
from ..domain.scorecard import Scorecard, ScorecardError, group_evidence, scope_for
from ..domain.units import AdminUnit, UnitDirectory
from .context import Context, allow
from .errors import InputError
from .recognition import communes_below, communes_of
from .rules import READ_ANY, READ_UNIT


def criteria_sets(ctx: Context, principal: Principal) -> list[dict[str, Any]]:
    allow(principal, READ_ANY, None)
    return [
        {**loaded.ref, "title": loaded.criteria.title.model_dump(),
         "level": loaded.criteria.level, "file": loaded.file}
        for loaded in ctx.criteria.all()
    ]  # fmt: skip


def criteria_set(
    ctx: Context, principal: Principal, set_id: str, version: int | None
) -> dict[str, Any]:
    allow(principal, READ_ANY, None)
    loaded = ctx.criteria_set(set_id, version)
    return {
        **loaded.ref,
        "file": loaded.file,
        "content": loaded.criteria.model_dump(mode="json"),
    }


def units(ctx: Context, principal: Principal, parent: str | None) -> list[AdminUnit]:
    allow(principal, READ_ANY, None)
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
    if parent is None:
        return sorted(directory.units.values(), key=lambda u: u.code)
    return directory.children(parent)


def unit(ctx: Context, principal: Principal, code: str) -> dict[str, Any]:
    allow(principal, READ_ANY, None)
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
    found = ctx.unit(directory, code)
    return {
        **found.model_dump(mode="json"),
        "predecessors": sorted(directory.predecessors(code)),
        "merges": [m.model_dump(mode="json", by_alias=True) for m in directory.merges.values()
                   if m.into == code or code in m.sources],
    }  # fmt: skip


def scorecard(
    ctx: Context,
    principal: Principal,
    unit_code: str,
    set_id: str,
    version: int | None,
    as_of: date | None,
    rollup: bool,
) -> Scorecard:
    loaded = ctx.criteria_set(set_id, version)
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
        found = ctx.unit(directory, unit_code)
        allow(principal, READ_UNIT, found)
        commune = directory.commune_of(unit_code)
        if commune is None:
            raise InputError("unit_code", "scorecards are for villages and commune-level units")
        as_of = as_of or ctx.today()
        communes = communes_of(directory, commune.code, rollup)
        with ctx.facts.lease(uow.session, communes, as_of) as folded:
            try:
                (card,) = ctx.engine.scorecards_of_book(
                    folded.book, directory, [unit_code], loaded, as_of, rollup=rollup
                )
            except ScorecardError as exc:
                raise InputError(exc.field, exc.message) from None
    return card


#: Metrics that need a parameter of an indicator: they have no value of their own.
_PARAMETRISED = frozenset({"criteria_set.met", "villages.recognised"})


def unit_metrics(
    ctx: Context,
    principal: Principal,
    unit_code: str,
    as_of: date | None,
    window_days: int | None,
    rollup: bool,
) -> dict[str, Any]:
    """Every catalogue metric of a unit at any level — village, commune, district, province —
    summed over the villages and communes below it, with the same per child, and evidence."""
    as_of = as_of or ctx.today()
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
        unit = ctx.unit(directory, unit_code)
        allow(principal, READ_UNIT, unit)
        communes: set[str] = set()
        for commune in communes_below(directory, unit):
            communes |= communes_of(directory, commune.code, rollup)
        with ctx.facts.lease(uow.session, communes, as_of) as folded:
            return _metrics_of(directory, unit, folded.book, as_of, window_days, rollup)


def _metrics_of(
    directory: UnitDirectory,
    unit: AdminUnit,
    book: FactBook,
    as_of: date,
    window_days: int | None,
    rollup: bool,
) -> dict[str, Any]:
    unit_code = unit.code

    def values(code: str) -> dict[str, Any]:
        scope = replace(scope_for(directory, code, as_of, rollup=rollup), window_days=window_days)
        out = {}
        for metric in CATALOGUE.values():
            if metric.id not in _PARAMETRISED:
                measure = metric.fn(book, scope)
                evidence = [e.as_dict() for e in group_evidence(measure.evidence)]
                out[metric.id] = {"value": measure.value, "evidence": evidence}
        return out

    children = [c for c in directory.children(unit_code) if c.type != "province"]
    return {
        "unit_code": unit_code, "unit_path": unit.path, "as_of": as_of.isoformat(),
        "window_days": window_days, "include_predecessors": rollup,
        "metrics": values(unit_code),
        "children": [
            {"unit_code": c.code, "unit_path": c.path,
             "metrics": {k: v["value"] for k, v in values(c.code).items()}}
            for c in children
        ],
    }  # fmt: skip
