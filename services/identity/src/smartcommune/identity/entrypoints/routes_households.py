"""Household endpoints: register a household of a village, add members, look one up."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from smartcommune.kit.auth import Principal, authorize

from ..application import commands as c
from ..bootstrap import Service
from ..domain.values import HOUSEHOLD_ID
from .rules import READ, writer
from .schemas import HouseholdView
from .views import household_view

HouseholdId = Annotated[str, Path(pattern=HOUSEHOLD_ID)]


def household_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/households", tags=["households"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    @router.post("", status_code=201, operation_id="register_household")
    def register_household(
        command: c.RegisterHousehold, who: Who, response: Response
    ) -> HouseholdView:
        """Register a household (hộ gia đình) of a village, optionally with residents already
        registered there who belong to no household yet."""
        household = service.bus.handle(command, writer(who))
        response.headers["Location"] = f"/households/{household.id}"
        return household_view(service, household.id)

    @router.get("/{household_id}", operation_id="get_household")
    def get_household(household_id: HouseholdId, who: Who) -> HouseholdView:
        view = household_view(service, household_id)
        authorize(who, READ, view.unit_path)
        return view

    @router.post("/{household_id}/members", operation_id="add_household_member")
    def add_household_member(
        household_id: HouseholdId, command: c.AddHouseholdMember, who: Who
    ) -> HouseholdView:
        service.bus.handle(command, writer(who), household_id)
        return household_view(service, household_id)

    return router
