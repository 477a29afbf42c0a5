"""Pseudonymous reads by administrative unit: residents, households and the counts indicators
are computed from. Units are named by code; the directory gives the path the READ rule is
checked against (a district officer reads every village below the district; a tech-team
member, their own village only)."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Principal, authorize
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.units import AdminUnit

from ..adapters import read_model
from ..bootstrap import Service
from .rules import READ
from .schemas import (
    CountsView,
    HouseholdPage,
    HouseholdView,
    ResidentPage,
    ResidentView,
    VillageCounts,
)

UnitCode = Annotated[str, Path(pattern=r"^[0-9]{2,7}$", description="a unit code, e.g. 08920")]
Cursor = Annotated[str | None, Query(max_length=80, description="next_cursor of the last page")]
Limit = Annotated[int, Query(ge=1, le=500)]


def unit_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/units/{unit_code}", tags=["units"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    def readable(code: str, who: Principal) -> AdminUnit:
        unit = service.units.get(code)
        if unit is None:
            raise HTTPException(404, f"no administrative unit {code}")
        authorize(who, READ, unit.path)
        return unit

    @router.get("/residents", operation_id="list_residents")
    def list_residents(
        unit_code: UnitCode, who: Who, cursor: Cursor = None, limit: Limit = 100
    ) -> ResidentPage:
        unit = readable(unit_code, who)
        with UnitOfWork(service.engine, read_only=True) as uow:
            rows = read_model.residents_in(uow.session, unit.path, cursor, limit)
        items = [ResidentView.from_row(row) for row in rows]
        more = len(items) == limit
        return ResidentPage(items=items, next_cursor=items[-1].resident_id if more else None)

    @router.get("/households", operation_id="list_households")
    def list_households(
        unit_code: UnitCode, who: Who, cursor: Cursor = None, limit: Limit = 100
    ) -> HouseholdPage:
        unit = readable(unit_code, who)
        with UnitOfWork(service.engine, read_only=True) as uow:
            rows = read_model.households_in(uow.session, unit.path, cursor, limit)
        items = [HouseholdView.model_validate(row) for row in rows]
        more = len(items) == limit
        return HouseholdPage(items=items, next_cursor=items[-1].household_id if more else None)

    @router.get("/counts", operation_id="unit_counts")
    def unit_counts(unit_code: UnitCode, who: Who) -> CountsView:
        """Residents, residents with VNeID level 2 and households, per village of the unit."""
        unit = readable(unit_code, who)
        with UnitOfWork(service.engine, read_only=True) as uow:
            villages = [
                VillageCounts.model_validate(r)
                for r in read_model.counts_in(uow.session, unit.path)
            ]
        return CountsView(
            unit_code=unit.code, unit_path=unit.path, villages=villages,
            residents=sum(v.residents for v in villages),
            vneid_level_2=sum(v.vneid_level_2 for v in villages),
            households=sum(v.households for v in villages),
        )  # fmt: skip

    return router
