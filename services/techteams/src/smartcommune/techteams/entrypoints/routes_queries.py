"""Read endpoints: who am I, teams, a team's tasks, a task, a household's latest survey, the
planning list of unsurveyed households, and a village's figures. Pages are small (`limit`
≤ 100, default 20) and continue with an opaque `cursor`.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Forbidden, Principal, authorize
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.units import AdminUnit

from ..adapters.read_model import ReadModel
from ..application import queries
from ..application.errors import NotFound
from ..bootstrap import Service
from ..domain.values import HOUSEHOLD_ID, TASK_ID, TEAM_ID, TaskStatus, TaskType, local_date
from .rules import ENDPOINT_RULES, READ, is_member_only
from .schemas import (
    MeView,
    SurveyView,
    TaskPage,
    TaskView,
    TeamPage,
    TeamSummary,
    TeamView,
    UnsurveyedHousehold,
    UnsurveyedPage,
    VillageFigures,
)
from .views import figures_view, task_row_view, team_row_view

UnitCode = Annotated[str, Path(pattern=r"^[0-9]{2,7}$", description="a unit code, e.g. 08920")]
VillageCodePath = Annotated[str, Path(pattern=r"^[0-9]{7}$", description="e.g. 0892001")]
Cursor = Field(None, max_length=200, description="next_cursor of the previous page")
Limit = Field(20, ge=1, le=100)


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cursor: str | None = Cursor
    limit: int = Limit


class TaskQuery(PageQuery):
    status: TaskStatus | None = None
    task_type: TaskType | None = None
    assignee_member_id: str | None = Field(None, pattern=r"^member-[0-9a-f-]{36}$")


class PlanningQuery(PageQuery):
    months: int = Field(6, ge=1, le=60, description="not surveyed in the last N months")


def query_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["queries"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    def unit(code: str, who: Principal, *, village: bool = False) -> AdminUnit:
        found = service.units.get(code)
        if found is None:
            raise HTTPException(404, f"no administrative unit {code}")
        authorize(who, READ, found.path)
        if village and not found.is_village:
            raise HTTPException(404, f"{code} is not a village")
        return found

    def own_team_only(uow: UnitOfWork, who: Principal, team_id: str) -> None:
        """A member reads only their own team's tasks."""
        if is_member_only(who):
            me = ReadModel(uow.session).member_of_account(who.subject)
            if me is None or me["team_id"] != team_id:
                raise Forbidden("a team member sees only their own team's tasks")

    @router.get("/me", operation_id="whoami")
    def whoami(who: Who) -> MeView:
        """The caller, and the team member record linked to their account (for the phone app)."""
        authorize(who, ENDPOINT_RULES["whoami"], None)
        with UnitOfWork(service.engine, read_only=True) as uow:
            me = ReadModel(uow.session).member_of_account(who.subject)
        member = None
        if me is not None:
            member = {k: str(me[k]) for k in ("member_id", "team_id", "village_code", "role")}
        return MeView(
            subject=who.subject, roles=sorted(who.roles), admin_unit=who.admin_unit, member=member
        )

    @router.get("/teams/{team_id}", operation_id="get_team")
    def get_team(team_id: Annotated[str, Path(pattern=TEAM_ID)], who: Who) -> TeamView:
        """The team with its active members."""
        with UnitOfWork(service.engine, read_only=True) as uow:
            row = queries.team(uow.session, team_id)
        if row is None:
            raise NotFound("team", team_id)
        authorize(who, READ, row["unit_path"])
        return team_row_view(row)

    @router.get("/units/{unit_code}/teams", operation_id="list_teams")
    def list_teams(unit_code: UnitCode, q: Annotated[PageQuery, Query()], who: Who) -> TeamPage:
        """The teams of a village, commune, district or province, newest first."""
        found = unit(unit_code, who)
        with UnitOfWork(service.engine, read_only=True) as uow:
            rows, cursor = queries.teams_page(uow.session, found.path, q.cursor, q.limit)
        items = [
            TeamSummary(
                team_id=r["team_id"], village_code=r["village_code"],
                decision_number=r["decision_number"], active=r["dissolved_on"] is None,
                active_members=r["active_members"],
            )
            for r in rows
        ]  # fmt: skip
        return TeamPage(items=items, next_cursor=cursor)

    @router.get("/teams/{team_id}/tasks", operation_id="list_team_tasks")
    def list_team_tasks(
        team_id: Annotated[str, Path(pattern=TEAM_ID)], q: Annotated[TaskQuery, Query()], who: Who
    ) -> TaskPage:
        """A team's tasks, newest first; filters `status`, `task_type`, `assignee_member_id`."""
        filters = queries.TaskFilters(q.status, q.task_type, q.assignee_member_id)
        with UnitOfWork(service.engine, read_only=True) as uow:
            row = queries.team(uow.session, team_id)
            if row is None:
                raise NotFound("team", team_id)
            authorize(who, READ, row["unit_path"])
            own_team_only(uow, who, team_id)
            rows, cursor = queries.tasks_page(uow.session, team_id, filters, q.cursor, q.limit)
        return TaskPage(items=[task_row_view(r) for r in rows], next_cursor=cursor)

    @router.get("/tasks/{task_id}", operation_id="get_task")
    def get_task(task_id: Annotated[str, Path(pattern=TASK_ID)], who: Who) -> TaskView:
        with UnitOfWork(service.engine, read_only=True) as uow:
            row = queries.task(uow.session, task_id)
            if row is None:
                raise NotFound("task", task_id)
            authorize(who, READ, row["unit_path"])
            own_team_only(uow, who, row["team_id"])
        return task_row_view(row)

    @router.get("/households/{household_id}/survey", operation_id="get_survey")
    def get_survey(
        household_id: Annotated[str, Path(pattern=HOUSEHOLD_ID)], who: Who
    ) -> SurveyView:
        """The household's latest survey."""
        with UnitOfWork(service.engine, read_only=True) as uow:
            row = queries.survey(uow.session, household_id)
        if row is None:
            raise NotFound("survey of household", household_id)
        authorize(who, READ, row["unit_path"])
        return SurveyView(**{k: row[k] for k in SurveyView.model_fields})

    @router.get(
        "/villages/{village_code}/unsurveyed-households", operation_id="list_unsurveyed_households"
    )
    def list_unsurveyed_households(
        village_code: VillageCodePath, q: Annotated[PlanningQuery, Query()], who: Who
    ) -> UnsurveyedPage:
        """Households (as identity registered them) not surveyed in the last `months` months —
        to plan visits; then `POST /teams/{team_id}/visit-plans` with the ones chosen."""
        unit(village_code, who, village=True)
        since = local_date(service.clock()) - timedelta(days=round(q.months * 30.44))
        with UnitOfWork(service.engine, read_only=True) as uow:
            rows, cursor = queries.unsurveyed(uow.session, village_code, since, q.cursor, q.limit)
        items = [
            UnsurveyedHousehold(
                household_id=r["household_id"], members=r["members"],
                last_surveyed_on=r["surveyed_on"],
            )
            for r in rows
        ]  # fmt: skip
        return UnsurveyedPage(since=since, items=items, next_cursor=cursor)

    @router.get("/villages/{village_code}/figures", operation_id="village_figures")
    def village_figures(village_code: VillageCodePath, who: Who) -> VillageFigures:
        """The village's projection: teams, members, tasks done, households surveyed and the
        shares from their latest surveys, facilities attested, residents trained."""
        unit(village_code, who, village=True)
        with UnitOfWork(service.engine, read_only=True) as uow:
            figures: dict[str, Any] = queries.village_figures(uow.session, village_code)
        return figures_view(village_code, figures)

    return router
