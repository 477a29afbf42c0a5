"""The routing table: every command the service answers, and the handler that decides it.

Every handler has the shape `(command, caller, deps, target_id)` — `target_id` is the team or
task named in the path — so this table is the service's map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import commands as c
from . import facts, tasks, teams
from .ports import Caller, Dependencies

Handler = Callable[[Any, Caller, Dependencies, str | None], Any]

COMMAND_HANDLERS: dict[type[Any], Handler] = {
    c.EstablishTeam: teams.establish,
    c.AddMember: teams.join,
    c.RemoveMember: teams.leave,
    c.ChangeLeader: teams.hand_over,
    c.LinkAccount: teams.link,
    c.DissolveTeam: teams.dissolve,
    c.CreateTask: tasks.create,
    c.PlanVisits: tasks.plan,
    c.AssignTask: tasks.assign,
    c.CompleteTask: tasks.complete,
    c.CancelTask: tasks.cancel,
    c.RecordSurvey: facts.survey,
    c.AttestFacility: facts.attest,
    c.RecordTraining: facts.train,
}
