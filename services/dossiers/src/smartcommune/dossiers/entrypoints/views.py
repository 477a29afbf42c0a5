"""Turning read-model rows, aggregates and stored events into response bodies."""

from __future__ import annotations

from typing import Any

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.events.fields import thaw

from ..adapters.projection import summary_row
from ..application.pagination import as_utc
from ..domain.dossier import Dossier
from ..domain.lifecycle import FINAL, Status, allowed_steps
from .schemas import DossierView, HistoryEntry

_TIMES = ("submitted_at", "received_at", "closed_at", "resolved_at", "returned_at", "rated_at")


def dossier_view(row: dict[str, Any]) -> DossierView:
    data = {k: (as_utc(row[k]) if k in _TIMES and row[k] is not None else row[k]) for k in row}
    status = Status(row["status"])
    steps = [] if status in FINAL else [s.value for s in allowed_steps(status)]
    if row["kind"] == "work_record":
        steps = [s for s in steps if s != "rate"]
    return DossierView.model_validate({**data, "allowed_steps": steps})


def aggregate_view(dossier: Dossier) -> DossierView:
    return dossier_view(summary_row(dossier))


def history_entry(envelope: EventEnvelope) -> HistoryEntry:
    return HistoryEntry(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        event_version=envelope.event_version,
        stream_version=envelope.stream_version,
        chain_seq=envelope.chain_seq,
        occurred_at=envelope.occurred_at,
        recorded_at=envelope.recorded_at,
        actor=envelope.actor.model_dump(),
        payload=thaw(envelope.payload),
        hash=envelope.hash,
    )
