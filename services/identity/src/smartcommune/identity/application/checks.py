"""Checks shared by the handlers: units named by code, business dates, household membership.

The membership checks read other aggregates (and the read model) to give a clear 422 before
anything is decided; the projection enforces the same rule again as a backstop under
concurrency (a resident joins one household at most).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ..domain.errors import InvalidCommand
from ..domain.household import Household
from .ports import IdentityUnitOfWork, Unit, Units

#: Dates such as `changed_on` are calendar days in Vietnam (UTC+7, no daylight saving).
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def village(units: Units, code: str, field: str = "village_code") -> tuple[Unit, Unit]:
    """The village and its commune; a code that is not a village is the caller's mistake."""
    unit = units.get(code)
    if unit is None or unit.type != "village":
        raise InvalidCommand(field, f"{code} is not a known village code")
    return unit, units.commune_of(unit.code)


def not_in_future(day: date, now: datetime, field: str) -> None:
    if day > now.astimezone(VIETNAM).date():
        raise InvalidCommand(field, "must not be in the future")


def household_in(uow: IdentityUnitOfWork, household_id: str, village_code: str) -> Household:
    """The household a new resident joins: it must exist, in the resident's village."""
    household = uow.households.get(household_id)
    if household is None:
        raise InvalidCommand("household_id", f"no household {household_id}")
    if household.village_code != village_code:
        raise InvalidCommand("household_id", "the household belongs to another village")
    return household


def joinable(uow: IdentityUnitOfWork, resident_id: str, village_code: str, field: str) -> None:
    """A resident may join a household of their own village, once, while not erased."""
    resident = uow.residents.get(resident_id)
    if resident is None:
        raise InvalidCommand(field, f"no resident {resident_id}")
    if resident.village_code != village_code:
        raise InvalidCommand(field, "the resident lives in another village")
    if resident.erased:
        raise InvalidCommand(field, "the resident's personal data has been erased")
    if uow.residents.household_of(resident_id) is not None:
        raise InvalidCommand(field, "the resident already belongs to a household")
