"""Write endpoints: one per command, each under an `Idempotency-Key` (see `idempotent.py`).

Each answers with the small view of what it changed. Team management is for commune officers;
field work for officers and the team's own members (`rules.py`).
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from smartcommune.kit.auth import Principal

from ..application import commands as c
from ..bootstrap import Service
from ..domain.values import TASK_ID, TEAM_ID
from . import views
from .idempotent import IdempotencyKey, run_write
from .rules import ENDPOINT_RULES
from .schemas import AttestationView, PlanView, SurveyView, TaskView, TeamView, TrainingView

TeamIdPath = Annotated[str, Path(pattern=TEAM_ID)]
TaskIdPath = Annotated[str, Path(pattern=TASK_ID)]


def command_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["commands"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    def write(
        operation: str, request: Request, who: Principal, key: str, command: BaseModel,
        render: Callable[[Any], BaseModel], target_id: str | None = None, status: int = 200,
        location: Callable[[dict[str, Any]], str] | None = None,
    ) -> JSONResponse:  # fmt: skip
        rule = ENDPOINT_RULES[operation]
        return run_write(
            service, request, who, rule, key, command, render,
            target_id=target_id, status=status, location=location,
        )  # fmt: skip

    # ------------------------------------------------------------ teams
    @router.post("/teams", status_code=201, response_model=TeamView, operation_id="establish_team")
    def establish_team(
        command: c.EstablishTeam, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """Record the commune decision that set up a village's team, with its 4–10 members."""
        return write(
            "establish_team", request, who, key, command, views.team_view, status=201,
            location=lambda body: f"/teams/{body['team_id']}",
        )  # fmt: skip

    @router.post("/teams/{team_id}/members", response_model=TeamView, operation_id="add_member")
    def add_member(
        team_id: TeamIdPath, command: c.AddMember, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """A member joins (the team has at most 10)."""
        return write("add_member", request, who, key, command, views.team_view, team_id)

    @router.post(
        "/teams/{team_id}/departures", response_model=TeamView, operation_id="remove_member"
    )
    def remove_member(
        team_id: TeamIdPath, command: c.RemoveMember, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        """A member leaves (not the leader, and not below 4 members)."""
        return write("remove_member", request, who, key, command, views.team_view, team_id)

    @router.post("/teams/{team_id}/leader", response_model=TeamView, operation_id="change_leader")
    def change_leader(
        team_id: TeamIdPath, command: c.ChangeLeader, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        """The lead passes to another active member."""
        return write("change_leader", request, who, key, command, views.team_view, team_id)

    @router.post("/teams/{team_id}/accounts", response_model=TeamView, operation_id="link_account")
    def link_account(
        team_id: TeamIdPath, command: c.LinkAccount, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        """Link a member to their platform account, so they see their team's tasks."""
        return write("link_account", request, who, key, command, views.team_view, team_id)

    @router.post(
        "/teams/{team_id}/dissolution", response_model=TeamView, operation_id="dissolve_team"
    )
    def dissolve_team(
        team_id: TeamIdPath, command: c.DissolveTeam, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        return write("dissolve_team", request, who, key, command, views.team_view, team_id)

    # ------------------------------------------------------------ tasks
    @router.post("/tasks", status_code=201, response_model=TaskView, operation_id="create_task")
    def create_task(
        command: c.CreateTask, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """A task for one household or resident, optionally assigned at once."""
        return write(
            "create_task", request, who, key, command, views.task_view, status=201,
            location=lambda body: f"/tasks/{body['task_id']}",
        )  # fmt: skip

    @router.post(
        "/teams/{team_id}/visit-plans", status_code=201, response_model=PlanView,
        operation_id="plan_visits",
    )  # fmt: skip
    def plan_visits(
        team_id: TeamIdPath, command: c.PlanVisits, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        """One task per selected household (from the unsurveyed list), in one transaction."""
        return write(
            "plan_visits", request, who, key, command,
            lambda tasks: views.plan_view(team_id, tasks), team_id, status=201,
        )  # fmt: skip

    @router.post("/tasks/{task_id}/assign", response_model=TaskView, operation_id="assign_task")
    def assign_task(
        task_id: TaskIdPath, command: c.AssignTask, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        return write("assign_task", request, who, key, command, views.task_view, task_id)

    @router.post("/tasks/{task_id}/complete", response_model=TaskView, operation_id="complete_task")
    def complete_task(
        task_id: TaskIdPath, command: c.CompleteTask, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        """Done, with the outcome of the visit."""
        return write("complete_task", request, who, key, command, views.task_view, task_id)

    @router.post("/tasks/{task_id}/cancel", response_model=TaskView, operation_id="cancel_task")
    def cancel_task(
        task_id: TaskIdPath, command: c.CancelTask, who: Who, request: Request,
        key: IdempotencyKey,
    ) -> JSONResponse:  # fmt: skip
        return write("cancel_task", request, who, key, command, views.task_view, task_id)

    # ------------------------------------------------------------ facts
    @router.post(
        "/surveys", status_code=201, response_model=SurveyView, operation_id="record_survey"
    )
    def record_survey(
        command: c.RecordSurvey, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """A household's connectivity and skills as found on a visit; the latest one counts."""
        return write(
            "record_survey", request, who, key, command, views.survey_view, status=201,
            location=lambda body: f"/households/{body['household_id']}/survey",
        )  # fmt: skip

    @router.post(
        "/attestations", status_code=201, response_model=AttestationView,
        operation_id="attest_facility",
    )  # fmt: skip
    def attest_facility(
        command: c.AttestFacility, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """A member attests a village facility, with the SHA-256 of the evidence file."""
        return write(
            "attest_facility", request, who, key, command, views.attestation_view, status=201
        )

    @router.post(
        "/trainings", status_code=201, response_model=TrainingView,
        operation_id="record_training",
    )  # fmt: skip
    def record_training(
        command: c.RecordTraining, who: Who, request: Request, key: IdempotencyKey
    ) -> JSONResponse:
        """A training session and its attendees (pseudonymous resident ids)."""
        return write("record_training", request, who, key, command, views.training_view, status=201)

    return router
