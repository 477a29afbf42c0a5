"""Task handlers: create one, or one per household from the planning list; assign, complete,
cancel. Officials of the commune and members of the task's own team."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain.errors import InconsistentCommand
from ..domain.events import TaskCreated
from ..domain.task import Task, new_task_id
from ..domain.team import Team
from ..domain.values import TargetKind
from . import commands as c
from .access import business_day, finish, guard_team, open_team
from .errors import NotFound
from .ports import Caller, Dependencies, TechteamsUnitOfWork


def _team(uow: TechteamsUnitOfWork, team_id: str, caller: Caller) -> Team:
    team = uow.streams.team(team_id)
    if team is None:
        raise NotFound("team", team_id)
    guard_team(uow, caller, team)
    open_team(team)
    return team


def _check_target(uow: TechteamsUnitOfWork, kind: TargetKind, target: str, village: str) -> None:
    """The target is of its kind, and not known to identity as living in another village (an
    unknown one is accepted: identity's events may not have reached us yet)."""
    if not target.startswith(f"{kind.value}-"):
        raise InconsistentCommand("target_id", f"is not a {kind.value} id")
    known = uow.lookups.household(target) if kind is TargetKind.HOUSEHOLD else None
    known = known or (uow.lookups.resident(target) if kind is TargetKind.RESIDENT else None)
    if known is not None and known["village_code"] != village:
        raise InconsistentCommand("target_id", f"lives in village {known['village_code']}")


def create(cmd: c.CreateTask, caller: Caller, deps: Dependencies, _: str | None) -> Task:
    now = deps.clock()
    with deps.uow() as uow:
        team = _team(uow, cmd.team_id, caller)
        _check_target(uow, cmd.target_kind, cmd.target_id, team.village_code)
        facts = TaskCreated(
            team_id=team.id, village_code=team.village_code, task_type=cmd.task_type,
            target_kind=cmd.target_kind, target_id=cmd.target_id, due_date=cmd.due_date,
            note=cmd.note,
        )  # fmt: skip
        task = Task.create(new_task_id(), team.commune_code, team.unit_path, facts, now)
        if cmd.assignee_member_id is not None:
            team.active_member(cmd.assignee_member_id, "assignee_member_id")
            task.assign(cmd.assignee_member_id, now)
        uow.streams.add(task, caller.actor, caller.trace)
        finish(uow, caller, task)
    return task


def plan(cmd: c.PlanVisits, caller: Caller, deps: Dependencies, team_id: str | None) -> list[Task]:
    """One task per household, all or none: the households must be known to be the village's."""
    assert team_id is not None
    if len(set(cmd.household_ids)) != len(cmd.household_ids):
        raise InconsistentCommand("household_ids", "names a household twice")
    now = deps.clock()
    with deps.uow() as uow:
        team = _team(uow, team_id, caller)
        if cmd.assignee_member_id is not None:
            team.active_member(cmd.assignee_member_id, "assignee_member_id")
        known = uow.lookups.households_in(cmd.household_ids)
        for n, household in enumerate(cmd.household_ids):
            if known.get(household) != team.village_code:
                where = f"of village {known[household]}" if household in known else "unknown"
                raise InconsistentCommand(f"household_ids.{n}", f"is {where}, not of the team's")
        created = []
        for household in cmd.household_ids:
            facts = TaskCreated(
                team_id=team.id, village_code=team.village_code, task_type=cmd.task_type,
                target_kind=TargetKind.HOUSEHOLD, target_id=household, due_date=cmd.due_date,
                note=cmd.note,
            )  # fmt: skip
            task = Task.create(new_task_id(), team.commune_code, team.unit_path, facts, now)
            if cmd.assignee_member_id is not None:
                task.assign(cmd.assignee_member_id, now)
            uow.streams.add(task, caller.actor, caller.trace)
            created.append(task)
        finish(uow, caller, created)
    return created


def _change(
    task_id: str | None,
    caller: Caller,
    deps: Dependencies,
    act: Callable[[Task, Team, datetime], None],
) -> Task:
    assert task_id is not None, "a step names its task"
    now = deps.clock()
    with deps.uow() as uow:
        task = uow.streams.task(task_id)
        if task is None:
            raise NotFound("task", task_id)
        team = uow.streams.team(task.team_id)
        assert team is not None, "a task's team exists"
        guard_team(uow, caller, team)
        act(task, team, now)
        uow.streams.add(task, caller.actor, caller.trace)
        finish(uow, caller, task)
    return task


def assign(cmd: c.AssignTask, caller: Caller, deps: Dependencies, task_id: str | None) -> Task:
    def act(task: Task, team: Team, now: datetime) -> None:
        open_team(team)
        team.active_member(cmd.member_id)
        task.assign(cmd.member_id, now)

    return _change(task_id, caller, deps, act)


def complete(cmd: c.CompleteTask, caller: Caller, deps: Dependencies, task_id: str | None) -> Task:
    day = business_day(cmd.completed_on, deps, "completed_on")
    return _change(
        task_id, caller, deps, lambda task, _, now: task.complete(cmd.outcome, day, cmd.note, now)
    )


def cancel(cmd: c.CancelTask, caller: Caller, deps: Dependencies, task_id: str | None) -> Task:
    return _change(task_id, caller, deps, lambda task, _, now: task.cancel(cmd.reason, now))
