"""Read side: pages of teams and tasks, a household's latest survey, the planning list, and a
village's figures — all from the read model, in small answers a phone can fetch on 2G.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..adapters.tables import (
    facilities,
    household_surveys,
    households,
    tasks,
    team_members,
    teams,
    training_attendees,
    trainings,
)
from ..domain.values import HOUSEHOLD_ID, TASK_ID, TEAM_ID
from .pagination import decode_cursor, encode_cursor

Row = dict[str, Any]


def _page(
    session: Session, query: Select[Any], key: Any, cursor: str | None, pattern: str, limit: int,
    *, newest_first: bool = True,
) -> tuple[list[Row], str | None]:  # fmt: skip
    if cursor is not None:
        after = decode_cursor(cursor, pattern)
        query = query.where(key < after if newest_first else key > after)
    query = query.order_by(key.desc() if newest_first else key.asc()).limit(limit + 1)
    rows = [dict(r) for r in session.execute(query).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][key.name]) if more and rows else None


def in_subtree(column: Any, path: str) -> ColumnElement[bool]:
    return or_(column == path, column.startswith(path + "/", autoescape=True))


# ---------------------------------------------------------------- teams and tasks
def team(session: Session, team_id: str) -> Row | None:
    row = session.execute(select(teams).where(teams.c.team_id == team_id)).mappings().first()
    if row is None:
        return None
    members = session.execute(
        select(team_members)
        .where(team_members.c.team_id == team_id, team_members.c.left_on.is_(None))
        .order_by(team_members.c.member_id)
    ).mappings()
    return {**row, "members": [dict(m) for m in members]}


def teams_page(
    session: Session, path: str, cursor: str | None, limit: int
) -> tuple[list[Row], str | None]:
    query = select(teams).where(in_subtree(teams.c.unit_path, path))
    return _page(session, query, teams.c.team_id, cursor, TEAM_ID, limit)


def task(session: Session, task_id: str) -> Row | None:
    row = session.execute(select(tasks).where(tasks.c.task_id == task_id)).mappings().first()
    return dict(row) if row else None


@dataclass(frozen=True)
class TaskFilters:
    status: str | None = None
    task_type: str | None = None
    assignee_member_id: str | None = None


def tasks_page(
    session: Session, team_id: str, filters: TaskFilters, cursor: str | None, limit: int
) -> tuple[list[Row], str | None]:
    """A team's tasks, newest first."""
    conditions = [tasks.c.team_id == team_id]
    for name in ("status", "task_type", "assignee_member_id"):
        if (value := getattr(filters, name)) is not None:
            conditions.append(tasks.c[name] == value)
    query = select(tasks).where(and_(*conditions))
    return _page(session, query, tasks.c.task_id, cursor, TASK_ID, limit)


def survey(session: Session, household_id: str) -> Row | None:
    query = select(household_surveys).where(household_surveys.c.household_id == household_id)
    row = session.execute(query).mappings().first()
    return dict(row) if row else None


# ---------------------------------------------------------------- planning
def unsurveyed(
    session: Session, village_code: str, since: date, cursor: str | None, limit: int
) -> tuple[list[Row], str | None]:
    """Households of the village (as identity registered them) with no survey on or after
    `since`, by household id, with the date of their latest survey if any."""
    s = household_surveys
    query = (
        select(households.c.household_id, households.c.members, s.c.surveyed_on)
        .outerjoin(s, s.c.household_id == households.c.household_id)
        .where(
            households.c.village_code == village_code,
            or_(s.c.surveyed_on.is_(None), s.c.surveyed_on < since),
        )
    )
    key = households.c.household_id
    return _page(session, query, key, cursor, HOUSEHOLD_ID, limit, newest_first=False)


# ---------------------------------------------------------------- a village's figures
def _scalar(session: Session, query: Select[Any]) -> int:
    return int(session.execute(query).scalar() or 0)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def village_figures(session: Session, village_code: str) -> Row:
    """Counts only (shares are computed from them by the caller, as integers)."""
    active = and_(teams.c.village_code == village_code, teams.c.dissolved_on.is_(None))
    s = household_surveys
    here = s.c.village_code == village_code
    surveys = session.execute(
        select(
            func.count(),
            _count(or_(s.c.has_fibre.is_(True), s.c.has_4g.is_(True))),
            _count(s.c.has_digital_address.is_(True)),
            func.sum(s.c.smartphones),
            func.sum(s.c.working_age_members),
            func.sum(s.c.working_age_with_online_skills),
            func.sum(s.c.members_using_epayment),
        ).where(here)
    ).one()
    by_status: dict[Any, Any] = dict(
        session.execute(
            select(tasks.c.status, func.count())
            .where(tasks.c.village_code == village_code)
            .group_by(tasks.c.status)
        ).all()
    )
    done_by_type: dict[Any, Any] = dict(
        session.execute(
            select(tasks.c.task_type, func.count())
            .where(tasks.c.village_code == village_code, tasks.c.status == "done")
            .group_by(tasks.c.task_type)
        ).all()
    )
    attested = [
        dict(r)
        for r in session.execute(
            select(facilities)
            .where(facilities.c.village_code == village_code)
            .order_by(facilities.c.facility)
        ).mappings()
    ]
    t = training_attendees
    return {
        "teams_active": _scalar(session, select(func.count()).where(active)),
        "members": _scalar(session, select(func.sum(teams.c.active_members)).where(active)),
        "tasks_by_status": {str(k): int(v) for k, v in by_status.items()},
        "tasks_done_by_type": {str(k): int(v) for k, v in done_by_type.items()},
        "households_known": _scalar(
            session, select(func.count()).where(households.c.village_code == village_code)
        ),
        "households_surveyed": int(surveys[0] or 0),
        "with_fibre_or_4g": int(surveys[1] or 0),
        "with_digital_address": int(surveys[2] or 0),
        "smartphones": int(surveys[3] or 0),
        "working_age_members": int(surveys[4] or 0),
        "working_age_with_online_skills": int(surveys[5] or 0),
        "members_using_epayment": int(surveys[6] or 0),
        "facilities": attested,
        "trainings": _scalar(
            session, select(func.count()).where(trainings.c.village_code == village_code)
        ),
        "residents_trained": _scalar(
            session,
            select(func.count(func.distinct(t.c.resident_id))).where(
                t.c.village_code == village_code
            ),
        ),
    }
