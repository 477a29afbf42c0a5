"""Count appended events when — and only when — their transaction commits.

`append` runs inside the caller's transaction, which may still roll back (a later statement of
the same command fails, a concurrency conflict on another stream). Counting at append time would
over-report; so appends are tallied on the session and handed to the metrics on `after_commit`,
and dropped on rollback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..telemetry import PlatformMetrics

_PENDING = "smartcommune.appended"


def count_on_commit(session: Session, metrics: PlatformMetrics, event_types: Iterable[str]) -> None:
    pending: Counter[str] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = Counter()

        def flush(committed: Session) -> None:
            for event_type, count in committed.info[_PENDING].items():
                metrics.appended(event_type, count)
            committed.info[_PENDING].clear()

        def drop(rolled_back: Session, *_: object) -> None:
            rolled_back.info[_PENDING].clear()

        event.listen(session, "after_commit", flush)
        event.listen(session, "after_rollback", drop)
    pending.update(event_types)
