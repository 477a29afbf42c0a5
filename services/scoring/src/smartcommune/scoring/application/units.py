"""Changing the unit hierarchy: every change is an `admin_unit.*` event (the file stays as
released; the directory is the file plus the events)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from smartcommune.kit.auth import Principal
from smartcommune.kit.store import ConcurrencyConflict

from ..domain.events import (
    AdminUnitChanged,
    AdminUnitCreated,
    AdminUnitMerged,
    UnitRecord,
    registry,
)
from ..domain.units import AdminUnit, Merge, UnitError
from .context import Context, actor_of, allow, chain_of
from .errors import AlreadyExistsError, InputError
from .rules import WRITE_UNITS


def _record(unit: AdminUnit) -> UnitRecord:
    return UnitRecord.model_validate(unit.model_dump())


def create_unit(ctx: Context, principal: Principal, data: dict[str, Any]) -> AdminUnit:
    with ctx.uow() as uow:
        directory = ctx.directory(uow.session).copy()
        parent = ctx.unit(directory, str(data.get("parent")), "parent")
        allow(principal, WRITE_UNITS, parent)
        if data["type"] == "province":
            raise InputError("type", "provinces change by a release of the data file")
        if data["code"] in directory.units:
            raise AlreadyExistsError(f"unit code {data['code']} exists (codes are never reused)")
        try:
            unit = AdminUnit.model_validate({**data, "path": f"{parent.path}/{data['slug']}"})
            directory.put(unit)
        except UnitError as exc:
            raise InputError(exc.field, exc.message) from None
        except ValidationError as exc:
            raise InputError("body", str(exc.errors()[0]["msg"])) from None
        if any(u.path == unit.path and u.code != unit.code for u in directory.units.values()):
            raise InputError("slug", f"{unit.path} is taken by another unit")
        commune, path = chain_of(directory, unit)
        draft = registry.draft(
            AdminUnitCreated(unit=_record(unit)), stream_id=f"unit-{unit.code}",
            commune_code=commune, unit_path=path, occurred_at=ctx.clock(),
            actor=actor_of(principal, WRITE_UNITS),
        )  # fmt: skip
        try:
            ctx.store.append(uow, [draft], expected_version=0)
        except ConcurrencyConflict:
            raise AlreadyExistsError(f"unit code {unit.code} was recorded before") from None
        uow.commit()
    return unit


def change_unit(
    ctx: Context, principal: Principal, code: str, changes: dict[str, Any]
) -> AdminUnit:
    with ctx.uow() as uow:
        directory = ctx.directory(uow.session)
        unit = ctx.unit(directory, code)
        allow(principal, WRITE_UNITS, unit)
        if unit.type == "province":
            raise InputError("unit_code", "provinces change by a release of the data file")
        if "parent" in changes:
            allow(principal, WRITE_UNITS, ctx.unit(directory, str(changes["parent"]), "parent"))
        try:
            new = directory.changed(code, changes)
        except UnitError as exc:
            raise InputError(exc.field, exc.message) from None
        except ValidationError as exc:
            error = exc.errors()[0]
            raise InputError(
                ".".join(map(str, error["loc"])) or "body", str(error["msg"])
            ) from None
        if new == unit:
            return unit
        commune, path = chain_of(directory, new)
        stream = f"unit-{code}"
        version = len(ctx.store.load_stream(uow, stream))
        changed = tuple(sorted(k for k in changes if getattr(new, k) != getattr(unit, k)))
        draft = registry.draft(
            AdminUnitChanged(unit=_record(new), changed_fields=changed), stream_id=stream,
            commune_code=commune, unit_path=path, occurred_at=ctx.clock(),
            actor=actor_of(principal, WRITE_UNITS),
        )  # fmt: skip
        ctx.store.append(uow, [draft], expected_version=version)
        uow.commit()
    return new


def merge_units(
    ctx: Context,
    principal: Principal,
    merge_id: str,
    sources: list[str],
    into: str,
    effective: date,
    basis: str,
) -> Merge:
    with ctx.uow() as uow:
        directory = ctx.directory(uow.session).copy()
        target = ctx.unit(directory, into, "into")
        allow(principal, WRITE_UNITS, target)
        for code in sources:
            allow(principal, WRITE_UNITS, ctx.unit(directory, code, "from"))
        if merge_id in directory.merges:
            raise AlreadyExistsError(f"merge {merge_id} is recorded")
        try:
            merge = Merge.model_validate(
                {"id": merge_id, "from": sources, "into": into, "effective": effective,
                 "basis": basis}
            )  # fmt: skip
            directory.add_merge(merge)
        except UnitError as exc:
            raise InputError(exc.field, exc.message) from None
        except ValidationError as exc:
            raise InputError("body", str(exc.errors()[0]["msg"])) from None
        commune, path = chain_of(directory, target)
        draft = registry.draft(
            AdminUnitMerged(merge_id=merge_id, sources=tuple(sources), into=into,
                            effective=effective, basis=basis),
            stream_id=f"merge-{merge_id}", commune_code=commune, unit_path=path,
            occurred_at=ctx.clock(), actor=actor_of(principal, WRITE_UNITS),
        )  # fmt: skip
        try:
            ctx.store.append(uow, [draft], expected_version=0)
        except ConcurrencyConflict:
            raise AlreadyExistsError(f"merge {merge_id} is recorded") from None
        uow.commit()
    return merge
