"""Command handlers: load, authorise, let the aggregate decide, store — one transaction each.

Every handler has the same shape `(command, caller, deps, target_id)`, so the routing table at
the end, `COMMAND_HANDLERS`, is the service's map of what can be asked. Personal data enters
only through `register_resident`, goes straight into the vault, and leaves the vault only as
the date of birth the VNeID age rules need.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from smartcommune.kit.auth import Forbidden

from ..domain.events import ResidentRegistered
from ..domain.household import Household
from ..domain.resident import Resident
from ..domain.values import new_household_id, new_resident_id
from . import commands as c
from .checks import household_in, joinable, not_in_future, village
from .errors import AlreadyRegistered, NotFound
from .ports import Caller, Dependencies, IdentityUnitOfWork

audit_log = logging.getLogger("smartcommune.identity.audit")


def register_resident(
    cmd: c.RegisterResident, caller: Caller, deps: Dependencies, _: str | None
) -> Resident:
    home, commune = village(deps.units, cmd.village_code)
    caller.authorize(home.path)
    data, at = cmd.personal_data, deps.clock()
    not_in_future(data.date_of_birth, at, "personal_data.date_of_birth")
    resident_id = new_resident_id()
    with deps.uow() as uow:
        existing = uow.vault.find_by_national_id(data.national_id)
        if existing is not None:
            raise AlreadyRegistered(_if_allowed(uow, existing, caller))
        household = household_in(uow, cmd.household_id, home.code) if cmd.household_id else None
        facts = ResidentRegistered(
            village_code=home.code, household_id=cmd.household_id,
            birth_year=data.date_of_birth.year,
        )  # fmt: skip
        resident = Resident.register(resident_id, commune.code, home.path, facts, at)
        uow.residents.add(resident, caller.actor, caller.trace)
        uow.vault.store(resident_id, data)
        if household is not None:
            household.add_member(resident_id, at)
            uow.households.add(household, caller.actor, caller.trace)
        uow.commit()
    return resident


def register_household(
    cmd: c.RegisterHousehold, caller: Caller, deps: Dependencies, _: str | None
) -> Household:
    home, commune = village(deps.units, cmd.village_code)
    caller.authorize(home.path)
    with deps.uow() as uow:
        for n, member in enumerate(cmd.member_ids):
            joinable(uow, member, home.code, f"member_ids.{n}")
        household = Household.register(
            new_household_id(), commune.code, home.path, home.code, cmd.member_ids, deps.clock()
        )
        uow.households.add(household, caller.actor, caller.trace)
        uow.commit()
    return household


def add_member(
    cmd: c.AddHouseholdMember, caller: Caller, deps: Dependencies, household_id: str | None
) -> Household:
    assert household_id is not None, "the household is named in the path"
    with deps.uow() as uow:
        household = uow.households.get(household_id)
        if household is None:
            raise NotFound("household", household_id)
        caller.authorize(household.unit_path)
        joinable(uow, cmd.resident_id, household.village_code, "resident_id")
        household.add_member(cmd.resident_id, deps.clock())
        uow.households.add(household, caller.actor, caller.trace)
        uow.commit()
    return household


def record_vneid_level(
    cmd: c.RecordVneidLevel, caller: Caller, deps: Dependencies, resident_id: str | None
) -> Resident:
    at = deps.clock()
    not_in_future(cmd.changed_on, at, "changed_on")
    with deps.uow() as uow:
        resident = _resident(uow, resident_id, caller)
        born = uow.vault.read(resident.id).date_of_birth  # PersonalDataGone once erased
        resident.change_vneid_level(
            cmd.level, cmd.changed_on, cmd.source, born=born,
            on_request_of_guardian=cmd.on_request_of_guardian, at=at,
        )  # fmt: skip
        uow.residents.add(resident, caller.actor, caller.trace)
        uow.commit()
    return resident


def erase_resident(
    cmd: c.EraseResident, caller: Caller, deps: Dependencies, resident_id: str | None
) -> Resident:
    with deps.uow() as uow:
        resident = _resident(uow, resident_id, caller)
        resident.erase(cmd.basis, deps.clock())
        uow.residents.add(resident, caller.actor, caller.trace)
        uow.vault.erase(resident.id)
        # Certificates name the resident's pseudonymous id: none may outlive the erasure.
        uow.revoke_resident_certificates(resident.id, caller.actor, caller.trace)
        uow.commit()
    audit_log.info(
        "personal data erased",
        extra={"resident_id": resident.id, "actor": caller.actor.subject, "basis": cmd.basis},
    )
    return resident


# ---------------------------------------------------------------- shared steps
def _resident(uow: IdentityUnitOfWork, resident_id: str | None, caller: Caller) -> Resident:
    assert resident_id is not None, "the resident is named in the path"
    resident = uow.residents.get(resident_id)
    if resident is None:
        raise NotFound("resident", resident_id)
    caller.authorize(resident.unit_path)
    return resident


def _if_allowed(uow: IdentityUnitOfWork, resident_id: str, caller: Caller) -> str | None:
    resident = uow.residents.get(resident_id)
    try:
        caller.authorize(resident.unit_path if resident else "")
    except Forbidden:
        return None
    return resident_id


Handler = Callable[[Any, Caller, Dependencies, str | None], Any]

COMMAND_HANDLERS: dict[type[Any], Handler] = {
    c.RegisterResident: register_resident,
    c.RegisterHousehold: register_household,
    c.AddHouseholdMember: add_member,
    c.RecordVneidLevel: record_vneid_level,
    c.EraseResident: erase_resident,
}
