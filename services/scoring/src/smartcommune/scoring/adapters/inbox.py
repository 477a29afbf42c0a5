"""Reading and writing the inbox (see `tables.py`), and the events a commune's scorecards see."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartcommune.kit.consumer import DeadLetter
from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import EventStore

from ..domain import facts
from ..domain.engine import contiguous
from ..settings import SOURCE_SERVICES
from .tables import inbox

_log = logging.getLogger(__name__)


def keep(session: Session, envelope: EventEnvelope) -> None:
    """Store a consumed event. Its chain position must be free: another event at the same
    position is a forged or altered chain, which no projection may absorb (dead-lettered)."""
    if envelope.service not in SOURCE_SERVICES:  # fact books read the inbox per source chain
        raise DeadLetter(f"{envelope.service} is not a source of the indicators")
    try:
        facts.check(envelope)
    except facts.FactError as exc:
        # Kept all the same: it is part of its chain, and a gap would stop every later event
        # of the chain from counting. The fold counts it nowhere (see `FactBook.unreadable`).
        _log.warning("%s %s: unreadable fact kept out of the indicators: %s",
                     envelope.event_type, envelope.event_id, exc)  # fmt: skip
    taken = session.execute(
        select(inbox.c.event_id).where(
            inbox.c.service == envelope.service,
            inbox.c.commune_code == envelope.commune_code,
            inbox.c.chain_seq == envelope.chain_seq,
        )
    ).scalar_one_or_none()
    if taken is not None:
        if taken == envelope.event_id:
            return
        raise DeadLetter(
            f"{envelope.service}/{envelope.commune_code}@{envelope.chain_seq} already holds "
            f"event {taken}"
        )
    # A concurrent copy inserting first makes this fail on the unique keys: the transaction
    # rolls back and the redelivery finds the event tracked.
    session.execute(
        inbox.insert().values(
            event_id=envelope.event_id,
            service=envelope.service,
            commune_code=envelope.commune_code,
            chain_seq=envelope.chain_seq,
            event_type=envelope.event_type,
            occurred_at=envelope.occurred_at,
            body=envelope.to_wire(),
        )
    )


def commune_events(
    session: Session, store: EventStore, communes: Iterable[str]
) -> list[EventEnvelope]:
    """Every event scoring knows of the communes — consumed ones and its own — as gapless chains."""
    codes = sorted(set(communes))
    bodies = session.scalars(select(inbox.c.body).where(inbox.c.commune_code.in_(codes)))
    events = [EventEnvelope.from_wire(body) for body in bodies]
    for code in codes:
        events.extend(store.read_chain(session, "scoring", code))
    return contiguous(events)
