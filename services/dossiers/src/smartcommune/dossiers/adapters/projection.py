"""Inline projection of dossiers into the read model, and its rebuild from the event store.

The summary row is a pure function of the aggregate, and the aggregate is a fold of its events;
the inline path (after each append, same transaction) and the rebuild (truncate, replay every
event of the service) therefore share `summary_row` and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.orm import Session

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain.dossier import Change, Dossier
from ..domain.events import registry
from ..domain.values import local_date
from .tables import dossier_summaries as t

REPLAY_PAGE = 2000


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def summary_row(d: Dossier) -> dict[str, Any]:
    facts = d.submission.model_dump(mode="json")
    assert d.last_event_at is not None
    return {
        **facts,
        "dossier_id": d.id,
        "commune_code": d.commune_code,
        "unit_path": d.unit_path,
        "status": d.status.value,
        "version": d.version,
        "submitted_at": _utc(d.submitted_at),
        "submitted_date": local_date(d.submitted_at),
        "received_at": _utc(d.received_at),
        "due_date": d.due_date,
        "paused_days": d.paused_days,
        "extensions": d.extensions,
        "closed_at": _utc(d.closed_at),
        "resolved_at": _utc(d.resolved_at),
        "resolved_date": local_date(d.resolved_at) if d.resolved_at else None,
        "outcome": d.outcome.value if d.outcome else None,
        "on_time": d.on_time,
        "processing_days": d.processing_days,
        "returned_at": _utc(d.returned_at),
        "rated_at": _utc(d.rated_at),
        "rated_date": local_date(d.rated_at) if d.rated_at else None,
        "satisfaction": d.satisfaction.value if d.satisfaction else None,
        "last_event_at": _utc(d.last_event_at),
    }


def insert_rows(session: Session, dossiers: Iterable[Dossier]) -> None:
    rows = [summary_row(d) for d in dossiers]
    if rows:
        session.execute(insert(t), rows)


def update_row(session: Session, dossier: Dossier) -> None:
    row = summary_row(dossier)
    session.execute(update(t).where(t.c.dossier_id == row.pop("dossier_id")).values(**row))


def dossier_from(envelopes: list[EventEnvelope]) -> Dossier:
    """Fold stored events (validated and upcast by the registry) into the aggregate."""
    changes = [Change(registry.decode(e), e.occurred_at) for e in envelopes]
    first = envelopes[0]
    return Dossier.replay(first.stream_id, first.commune_code, first.unit_path, changes)


def rebuild_projections(engine: Engine, store: EventStore | None = None) -> int:
    """Truncate the read model and replay every event of the service into it; returns rows.

    One transaction, so readers see the old or the new projection, never a half-built one.
    Streams are held in memory while replaying: fine for a province's dossiers; beyond that,
    replay per commune (each chain is independent).
    """
    store = store or EventStore(registry)
    streams: dict[str, list[EventEnvelope]] = {}
    with UnitOfWork(engine) as uow:
        position = 0
        while page := store.read_all(uow, after_position=position, limit=REPLAY_PAGE):
            for item in page:
                streams.setdefault(item.envelope.stream_id, []).append(item.envelope)
            position = page[-1].position
        uow.session.execute(delete(t))
        dossiers = [
            dossier_from(sorted(s, key=lambda e: e.stream_version)) for s in streams.values()
        ]
        for start in range(0, len(dossiers), REPLAY_PAGE):
            insert_rows(uow.session, dossiers[start : start + REPLAY_PAGE])
        uow.commit()
    return len(dossiers)
