"""Read-model rows as response bodies, read in their own short read-only transaction."""

from __future__ import annotations

from smartcommune.kit.store import UnitOfWork

from ..adapters import read_model
from ..application.errors import NotFound
from ..bootstrap import Service
from .schemas import HouseholdView, ResidentView


def resident_view(service: Service, resident_id: str) -> ResidentView:
    with UnitOfWork(service.engine, read_only=True) as uow:
        row = read_model.resident(uow.session, resident_id)
    if row is None:
        raise NotFound("resident", resident_id)
    return ResidentView.from_row(row)


def household_view(service: Service, household_id: str) -> HouseholdView:
    with UnitOfWork(service.engine, read_only=True) as uow:
        row = read_model.household(uow.session, household_id)
    if row is None:
        raise NotFound("household", household_id)
    return HouseholdView.model_validate(row)
