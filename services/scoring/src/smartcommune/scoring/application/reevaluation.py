"""Re-evaluation: when facts change, a recognised unit that no longer meets its set is flagged
for review (`recognition.review_flagged`), never silently revoked."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartcommune.kit.events import Actor, EventEnvelope
from smartcommune.kit.store.tables import events as event_rows

from ..adapters import inbox
from ..domain.events import (
    CriteriaSetRef,
    RecognitionReviewFlagged,
    registry,
)
from ..domain.facts import FactBook
from .context import Context
from .recognition import DECISION, NS, scorecards_of


def consume(ctx: Context, session: Session, envelopes: Sequence[EventEnvelope]) -> int:
    """Keep a batch of consumed events in the inbox, then re-evaluate each commune they belong
    to once — not once per event. Runs in the consumer's transaction; returns how many units
    were flagged."""
    for envelope in envelopes:
        inbox.keep(session, envelope)
    communes = sorted({envelope.commune_code for envelope in envelopes})
    return sum(reevaluate(ctx, session, code) for code in communes)


def reevaluate(ctx: Context, session: Session, commune_code: str) -> int:
    """Flag every recognised unit of the commune that no longer meets its set (once per
    decision and unit). Runs in the caller's transaction; returns how many were flagged."""
    has_decisions = session.scalar(
        select(func.count()).where(
            event_rows.c.service == "scoring",
            event_rows.c.commune_code == commune_code,
            event_rows.c.event_type == DECISION,
        )
    )
    if not has_decisions:
        return 0
    directory = ctx.directory(session)
    commune = directory.get(commune_code)
    if commune is None:
        return 0
    chain = ctx.store.read_chain(session, "scoring", commune_code)
    book = FactBook.of(chain)
    decisions = {e.chain_seq: e for e in chain if e.event_type == DECISION}
    flagged = 0
    for recognition in book.recognitions.values():
        if recognition.revoked:
            continue
        decision = decisions.get(recognition.pos.chain_seq)
        if decision is None:
            continue
        stream = f"review-{uuid.uuid5(NS, f'{decision.stream_id}/{recognition.unit}')}"
        if ctx.store.load_stream(session, stream):
            continue
        ref = decision.payload["criteria_set"]
        loaded = ctx.criteria.get(ref["id"], ref["version"])
        unit = directory.get(recognition.unit)
        if loaded is None or unit is None:
            continue
        rollup = bool(decision.payload["include_predecessors"])
        today = ctx.today()
        (card,) = scorecards_of(ctx, session, directory, commune, [unit], loaded, today, rollup)
        if card.meets:
            continue
        failing = card.failing_mandatory or ("decision-rule",)
        draft = registry.draft(
            RecognitionReviewFlagged(
                unit_code=unit.code, decision_id=decision.stream_id,
                decision_number=decision.payload["decision_number"],
                criteria_set=CriteriaSetRef.model_validate(dict(ref)), as_of=ctx.today(),
                failing=tuple(failing),
            ),
            stream_id=stream, commune_code=commune_code, unit_path=unit.path,
            occurred_at=ctx.clock(), actor=Actor.for_service("scoring"),
        )  # fmt: skip
        ctx.store.append(session, [draft], expected_version=0)
        flagged += 1
    return flagged
