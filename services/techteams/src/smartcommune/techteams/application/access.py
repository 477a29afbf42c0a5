"""Checks shared by the handlers: units, business dates, and who acts for which team.

An official is confined to a unit subtree (the kit rule behind `caller.authorize`). A
tech-team member is confined to the unit *and* to their own team: the member record linked to
their account (`account_subject`) names the team, so the per-team check needs no extra claim
in the token and follows membership changes at once.
"""

from __future__ import annotations

from datetime import date

from smartcommune.kit.auth import Forbidden

from ..domain.errors import InconsistentCommand, InvalidTransition
from ..domain.team import Team
from ..domain.values import local_date
from .idempotency import Receipt
from .ports import Caller, Dependencies, TechteamsUnitOfWork, Unit


def village(deps: Dependencies, code: str, field: str = "village_code") -> Unit:
    unit = deps.units.get(code)
    if unit is None or unit.type != "village" or unit.parent is None:
        raise InconsistentCommand(field, f"{code} is not a known village")
    return unit


def business_day(given: date | None, deps: Dependencies, field: str) -> date:
    today = local_date(deps.clock())
    if given is None:
        return today
    if given > today:
        raise InconsistentCommand(field, "must not be in the future")
    return given


def own_member(uow: TechteamsUnitOfWork, caller: Caller) -> dict[str, object]:
    me = uow.lookups.member_of_account(caller.subject)
    if me is None:
        raise Forbidden("your account is not linked to an active member of a team")
    return me


def guard_team(uow: TechteamsUnitOfWork, caller: Caller, team: Team) -> str | None:
    """Raise `Forbidden` unless the caller may act for `team`; the member id of a member."""
    caller.authorize(team.unit_path)
    if not caller.as_member:
        return None
    me = own_member(uow, caller)
    if me["team_id"] != team.id:
        raise Forbidden("a team member sees and updates only their own team's work")
    return str(me["member_id"])


def open_team(team: Team) -> None:
    if team.dissolved:
        raise InvalidTransition(f"team {team.id} is dissolved", "dissolved")


def acting_member(
    uow: TechteamsUnitOfWork,
    caller: Caller,
    village_code: str,
    given: str | None,
    field: str,
    *,
    required: bool,
) -> str | None:
    """The member a fact is recorded in the name of: the caller, when a member records it;
    the one named, who must be on the village's active team, when an official does."""
    if caller.as_member:
        me = own_member(uow, caller)
        if me["village_code"] != village_code:
            raise Forbidden("a team member records facts of their own village only")
        if given is not None and given != me["member_id"]:
            raise InconsistentCommand(field, "a member records facts in their own name")
        return str(me["member_id"])
    if given is None:
        if required:
            raise InconsistentCommand(field, "is required when an official records it")
        return None
    team_id = uow.lookups.active_team_of_village(village_code)
    team = uow.streams.team(team_id) if team_id else None
    if team is None:
        raise InconsistentCommand(field, f"village {village_code} has no active team")
    team.active_member(given, field)
    return given


def finish(uow: TechteamsUnitOfWork, caller: Caller, result: object) -> None:
    """Keep the idempotency receipt (the answer) with the events, then commit both."""
    receipt: Receipt | None = caller.receipt
    if receipt is not None:
        status, body = receipt.render(result)
        uow.receipts.keep(receipt, status, body)
    uow.commit()
