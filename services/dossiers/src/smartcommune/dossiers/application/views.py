"""Read side: one dossier with its history, pages of dossiers, and statistics tallies.

Queries read the read model (`adapters.tables`) and, for a dossier's history, the event store
itself — the history shown is the stored events, chain fields included, not a copy of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import EventStore

from ..adapters.tables import dossier_summaries as t
from ..domain.values import ONLINE_CHANNELS, SATISFIED, Channel
from .pagination import decode_cursor, encode_cursor
from .statistics import Tally


def in_subtree(path: str) -> ColumnElement[bool]:
    return or_(t.c.unit_path == path, t.c.unit_path.startswith(path + "/", autoescape=True))


def summary(session: Session, dossier_id: str) -> dict[str, Any] | None:
    row = session.execute(select(t).where(t.c.dossier_id == dossier_id)).mappings().one_or_none()
    return dict(row) if row else None


def history(session: Session, store: EventStore, dossier_id: str) -> list[EventEnvelope]:
    return store.load_stream(session, dossier_id)


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    kind: str | None = None
    channel: str | None = None
    procedure_code: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


def _listing(path: str, filters: ListFilters) -> Select[Any]:
    conditions = [in_subtree(path)]
    for name in ("status", "kind", "channel", "procedure_code"):
        if (value := getattr(filters, name)) is not None:
            conditions.append(t.c[name] == value)
    if filters.submitted_from is not None:
        conditions.append(t.c.submitted_date >= filters.submitted_from)
    if filters.submitted_to is not None:
        conditions.append(t.c.submitted_date <= filters.submitted_to)
    order = (t.c.submitted_at.desc(), t.c.dossier_id.desc())
    return select(t).where(and_(*conditions)).order_by(*order)


def page(
    session: Session, path: str, filters: ListFilters, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; the cursor is the position of the last row returned, not an offset, so a
    page stays correct while dossiers are added."""
    query = _listing(path, filters)
    if cursor is not None:
        at, dossier_id = decode_cursor(cursor)
        query = query.where(tuple_(t.c.submitted_at, t.c.dossier_id) < tuple_(at, dossier_id))
    rows = [dict(r) for r in session.execute(query.limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else None


def every(session: Session, path: str, filters: ListFilters) -> Iterator[dict[str, Any]]:
    """All matching rows, streamed in batches (for the CSV export)."""
    result = session.execute(_listing(path, filters).execution_options(yield_per=1000))
    for row in result.mappings():
        yield dict(row)


def _count(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def tallies(session: Session, path: str, kind: str, start: date, end: date) -> dict[str, Tally]:
    """Additive tallies per commune of the subtree (see `statistics` for which date counts)."""
    scope = and_(in_subtree(path), t.c.kind == kind)
    online = t.c.channel.in_([c.value for c in ONLINE_CHANNELS])
    result: dict[str, Tally] = {}

    def add(code: str, tally: Tally) -> None:
        result[code] = result.get(code, Tally()) + tally

    submitted = session.execute(
        select(
            t.c.commune_code,
            t.c.status,
            func.count(),
            _count(t.c.channel == Channel.FULL_ONLINE.value),
        )
        .where(scope, t.c.submitted_date.between(start, end))
        .group_by(t.c.commune_code, t.c.status)
    )
    for code, status, n, full in submitted:
        add(code, Tally(submitted=n, by_status=Counter({status: n}), full_process=int(full or 0)))
    resolved = session.execute(
        select(
            t.c.commune_code,
            func.count(),
            _count(online),
            _count(t.c.on_time.is_(True)),
            func.coalesce(func.sum(t.c.processing_days), 0),
        )
        .where(scope, t.c.resolved_date.between(start, end))
        .group_by(t.c.commune_code)
    )
    for code, n, n_online, n_on_time, days in resolved:
        add(
            code,
            Tally(
                resolved=n,
                resolved_online=int(n_online),
                on_time=int(n_on_time),
                processing_days=int(days),
            ),
        )
    rated = session.execute(
        select(
            t.c.commune_code,
            func.count(),
            _count(t.c.satisfaction.in_([s.value for s in SATISFIED])),
        )
        .where(scope, t.c.rated_date.between(start, end))
        .group_by(t.c.commune_code)
    )
    for code, n, n_satisfied in rated:
        add(code, Tally(rated=n, satisfied=int(n_satisfied)))
    return result
