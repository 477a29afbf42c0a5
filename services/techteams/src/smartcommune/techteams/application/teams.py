"""Team handlers: establish a team by decision, members join and leave, the lead changes
hands, accounts are linked, the team is dissolved. Commune officers only (see the rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain.errors import InconsistentCommand
from ..domain.team import NewMember, Team, new_team_id
from . import commands as c
from .access import business_day, finish, village
from .errors import AlreadyExists, NotFound
from .ports import Caller, Dependencies, TechteamsUnitOfWork


def establish(cmd: c.EstablishTeam, caller: Caller, deps: Dependencies, _: str | None) -> Team:
    unit = village(deps, cmd.village_code)
    caller.authorize(unit.path)
    decided = business_day(cmd.decision_date, deps, "decision_date")
    members = [NewMember(m.role, m.resident_id, m.account_subject) for m in cmd.members]
    now = deps.clock()
    with deps.uow() as uow:
        existing = uow.lookups.active_team_of_village(cmd.village_code)
        if existing is not None:
            raise AlreadyExists(f"village {cmd.village_code} has a team: {existing}", existing)
        for n, member in enumerate(members):
            _account_free(uow, member.account_subject, f"members.{n}.account_subject")
        assert unit.parent is not None
        team = Team.establish(
            new_team_id(), unit.parent, unit.path, cmd.village_code, cmd.decision_number,
            decided, members, now,
        )  # fmt: skip
        uow.streams.add(team, caller.actor, caller.trace)
        finish(uow, caller, team)
    return team


def _account_free(uow: TechteamsUnitOfWork, subject: str | None, field: str) -> None:
    if subject is not None and uow.lookups.member_of_account(subject) is not None:
        raise InconsistentCommand(field, "is linked to a member of a team already")


def _change(
    team_id: str | None,
    caller: Caller,
    deps: Dependencies,
    act: Callable[[TechteamsUnitOfWork, Team, datetime], None],
) -> Team:
    assert team_id is not None, "a team command names its team"
    now = deps.clock()
    with deps.uow() as uow:
        team = uow.streams.team(team_id)
        if team is None:
            raise NotFound("team", team_id)
        caller.authorize(team.unit_path)
        act(uow, team, now)
        uow.streams.add(team, caller.actor, caller.trace)
        finish(uow, caller, team)
    return team


def join(cmd: c.AddMember, caller: Caller, deps: Dependencies, team_id: str | None) -> Team:
    day = business_day(cmd.joined_on, deps, "joined_on")

    def act(uow: TechteamsUnitOfWork, team: Team, now: datetime) -> None:
        _account_free(uow, cmd.account_subject, "account_subject")
        team.join(NewMember(cmd.role, cmd.resident_id, cmd.account_subject), day, now)

    return _change(team_id, caller, deps, act)


def leave(cmd: c.RemoveMember, caller: Caller, deps: Dependencies, team_id: str | None) -> Team:
    day = business_day(cmd.left_on, deps, "left_on")
    return _change(team_id, caller, deps, lambda _, t, now: t.leave(cmd.member_id, day, now))


def hand_over(cmd: c.ChangeLeader, caller: Caller, deps: Dependencies, team_id: str | None) -> Team:
    day = business_day(cmd.changed_on, deps, "changed_on")
    return _change(
        team_id, caller, deps,
        lambda _, t, now: t.change_leader(cmd.member_id, cmd.previous_leader_role, day, now),
    )  # fmt: skip


def link(cmd: c.LinkAccount, caller: Caller, deps: Dependencies, team_id: str | None) -> Team:
    def act(uow: TechteamsUnitOfWork, team: Team, now: datetime) -> None:
        holder = uow.lookups.member_of_account(cmd.account_subject)
        if holder is not None and holder["member_id"] != cmd.member_id:
            raise InconsistentCommand("account_subject", "is linked to another member")
        team.link_account(cmd.member_id, cmd.account_subject, now)

    return _change(team_id, caller, deps, act)


def dissolve(cmd: c.DissolveTeam, caller: Caller, deps: Dependencies, team_id: str | None) -> Team:
    day = business_day(cmd.dissolved_on, deps, "dissolved_on")
    return _change(team_id, caller, deps, lambda _, t, now: t.dissolve(day, now))
