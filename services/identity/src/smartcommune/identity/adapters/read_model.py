"""Queries on the pseudonymous read model: what lists and counts are served from.

Units are matched by path segment (the unit itself, or anything below `path + "/"`), the same
way the kit's authorisation compares them. Lists page by id (keyset), which stays fast however
deep the page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.orm import Session

from .tables import household_summaries as households
from .tables import resident_summaries as residents
from .tables import village_counts as counts


def _within(table: Table, path: str) -> ColumnElement[bool]:
    column = table.c.unit_path
    return or_(column == path, column.startswith(path + "/", autoescape=True))


def resident(session: Session, resident_id: str) -> dict[str, Any] | None:
    row = session.execute(select(residents).where(residents.c.resident_id == resident_id)).first()
    return None if row is None else dict(row._mapping)


def residents_in(
    session: Session, path: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(residents).where(_within(residents, path))
    if after:
        query = query.where(residents.c.resident_id > after)
    rows = session.execute(query.order_by(residents.c.resident_id).limit(limit))
    return [dict(row._mapping) for row in rows]


def household(session: Session, household_id: str) -> dict[str, Any] | None:
    t = households
    row = session.execute(select(t).where(t.c.household_id == household_id)).first()
    if row is None:
        return None
    members = session.scalars(
        select(residents.c.resident_id)
        .where(residents.c.household_id == household_id)
        .order_by(residents.c.resident_id)
    )
    return {**row._mapping, "member_ids": list(members)}


def households_in(
    session: Session, path: str, after: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(households).where(_within(households, path))
    if after:
        query = query.where(households.c.household_id > after)
    rows = session.execute(query.order_by(households.c.household_id).limit(limit))
    return [dict(row._mapping) for row in rows]


def counts_in(session: Session, path: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(counts).where(_within(counts, path)).order_by(counts.c.village_code)
    )
    return [dict(row._mapping) for row in rows]
