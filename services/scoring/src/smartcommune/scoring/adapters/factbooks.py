"""Fact books kept incrementally: the fold of a commune's events, extended as events arrive
instead of re-read and re-folded from the whole history for every scorecard.

The state is the very `FactBook` the replay builds (`domain.facts`), together with the frontier
it covers (per (service, commune) chain the last position folded in, always a gapless prefix)
and the latest business date among its events. A use case *leases* it for a set of communes:

1. the book is taken from an in-process LRU, else from the commune's persisted snapshot
   (`scoring_fact_snapshots`, ignored when written by another fold version), else empty;
2. only the events past its frontier are read (inbox and the commune's own chain, through the
   chain index) and folded in with `FactBook.extend` — the same code as `FactBook.of`. The inbox
   holds the source services' events only (`settings.SOURCE_SERVICES`: the consumed topics);
   `inbox.keep` refuses any other;
3. the caller evaluates from it while it holds the lease (nobody else touches that book).

**Why extending equals a full fold.** The full fold applies each chain in chain order; extending
applies, per chain, the events after those already folded, in chain order. Every piece of state
is written by one service's handlers, and a commune has one chain per service, so the state of
a single commune comes out identical (`tests/unit/test_factbooks.py` checks it on random event
streams cut at random points). Several communes (a rollup over merged communes) have several
chains per service, so there a book is only reused while nothing new arrived; any new event
rebuilds it from scratch.

**As of.** `FactBook.of(events, as_of)` leaves out events after `as_of`, so a book is used as is
only when its latest business date is on or before `as_of` (the usual case: as of today).
Earlier dates get a full fold of the events as of that date, exactly as before.

**Transactions.** A lease in a read-only unit of work sees committed events only: the book goes
back to the cache at once. In a writing one (the consumer, decisions) the book may hold events
of that very transaction: it stays with the session and joins the cache on commit — dropped on
rollback, so the cache never holds what the database does not. Snapshots are written after the
commit in a transaction of their own, every `snapshot_every` events, the larger one winning.
`pickle` is used for the snapshot: the table is written only by this service.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import pickle
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import event, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import EventStore
from smartcommune.kit.store.engine import READ_ONLY_OPTION

from ..domain import facts
from ..domain.engine import ChainHead, contiguous, frontier
from ..domain.facts import FactBook, business_date
from ..settings import SOURCE_SERVICES
from .tables import fact_snapshots, inbox

_log = logging.getLogger(__name__)

Chain = tuple[str, str]
OWN_SERVICE = "scoring"
_OWNED = "smartcommune.scoring.factbooks"


def _fold_version() -> str:
    try:
        source = inspect.getsource(facts)
    except (OSError, TypeError):  # no source shipped: the manual version alone
        source = ""
    return f"{facts.FOLD_VERSION}:{hashlib.sha256(source.encode()).hexdigest()[:16]}"


#: What a persisted snapshot must have been written by to be used.
FOLD = _fold_version()


@dataclass
class Kept:
    """A book and what it covers."""

    key: str
    codes: tuple[str, ...]
    book: FactBook = field(default_factory=FactBook)
    heads: dict[Chain, int] = field(default_factory=dict)
    last_day: date | None = None
    events: int = 0
    persisted: int = 0  # events in the persisted snapshot (0: none)

    def add(self, delta: Sequence[EventEnvelope]) -> None:
        self.book.extend(delta)
        for envelope in delta:
            chain = (envelope.service, envelope.commune_code)
            self.heads[chain] = max(self.heads.get(chain, 0), envelope.chain_seq)
            day = business_date(envelope)
            if self.last_day is None or self.last_day < day:
                self.last_day = day
        self.events += len(delta)

    def frontier(self) -> list[ChainHead]:
        return [
            ChainHead(service, commune, seq, self.book.seen[(service, commune)][seq])
            for (service, commune), seq in sorted(self.heads.items())
        ]


@dataclass(frozen=True)
class Folded:
    """What a lease hands out: the facts as of the date asked, and the frontier they cover
    (exactly `frontier(commune_events(...))` of the full fold)."""

    book: FactBook
    frontier: list[ChainHead]
    #: False when the as-of date precedes facts in the book: a full fold as of that date
    incremental: bool


class FactBooks:
    """The in-process cache of fact books and the snapshots behind it (one per service)."""

    def __init__(
        self,
        database: SqlEngine,
        store: EventStore,
        *,
        max_entries: int = 64,
        max_events: int = 2_000_000,
        snapshot_every: int = 1_000,
    ) -> None:
        self.database, self.store = database, store
        self.max_entries, self.max_events, self.snapshot_every = (
            max_entries, max_events, snapshot_every,
        )  # fmt: skip
        self._lru: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.RLock] = {}

    # ------------------------------------------------------------------ the lease
    @contextmanager
    def lease(self, session: Session, communes: Iterable[str], as_of: date) -> Iterator[Folded]:
        codes = tuple(sorted(set(communes)))
        key = ",".join(codes)
        if not _read_only(session):
            with self._key_lock(key):  # waits for a reader to hand the book back, then takes it
                kept = self._own(session, key) or self._take(key)
            yield from self._leased(session, key, codes, kept, as_of, read_only=False)
            return
        with self._key_lock(key):  # a reader holds the book (and its key) until it is done
            yield from self._leased(session, key, codes, self._take(key), as_of, read_only=True)

    def _leased(
        self,
        session: Session,
        key: str,
        codes: tuple[str, ...],
        kept: Kept | None,
        as_of: date,
        *,
        read_only: bool,
    ) -> Iterator[Folded]:
        kept = kept or self._load(session, key, codes)
        delta = self.delta(session, codes, kept.heads)
        if delta and len(codes) > 1 and kept.events:
            # several chains per service: extending would not equal the full fold in general
            kept = Kept(key, codes)
            delta = self.delta(session, codes, kept.heads)
        kept.add(delta)
        if kept.last_day is None or kept.last_day <= as_of:
            folded = Folded(kept.book, kept.frontier(), incremental=True)
        else:
            events = self.delta(session, codes, {})
            folded = Folded(FactBook.of(events, as_of), frontier(events), incremental=False)
        try:
            yield folded
        finally:
            if read_only:
                self._give_back(kept)
                self._persist_if_due(kept)
            else:
                self._hold_until_commit(session, kept)

    def delta(
        self, session: Session, codes: Sequence[str], heads: dict[Chain, int]
    ) -> list[EventEnvelope]:
        """The gapless run of events past `heads` on every chain of the communes: consumed ones
        (a range of the chain index per source service) and the service's own."""
        events: list[EventEnvelope] = []
        for code in codes:
            known = {s: n for (s, c), n in heads.items() if c == code}
            for service in sorted(set(SOURCE_SERVICES) | set(known) - {OWN_SERVICE}):
                query = select(inbox.c.body).where(
                    inbox.c.service == service,
                    inbox.c.commune_code == code,
                    inbox.c.chain_seq > known.get(service, 0),
                )
                events.extend(EventEnvelope.from_wire(body) for body in session.scalars(query))
            own = known.get(OWN_SERVICE, 0) + 1
            events.extend(self.store.read_chain(session, OWN_SERVICE, code, from_seq=own))
        return contiguous(events, heads)

    def clear(self) -> None:
        """Forget the in-process books (the persisted snapshots stay)."""
        with self._lock:
            self._lru.clear()

    # ------------------------------------------------------------------ cache
    def _key_lock(self, key: str) -> threading.RLock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.RLock())

    @staticmethod
    def _own(session: Session, key: str) -> Kept | None:
        """The book this (writing) transaction already extended, if any."""
        owned: dict[str, Kept] = session.info.get(_OWNED, {})
        return owned.pop(key, None)

    def _take(self, key: str) -> Kept | None:
        with self._lock:
            return self._lru.pop(key, None)

    def _give_back(self, kept: Kept) -> None:
        with self._lock:
            current = self._lru.get(kept.key)
            if current is None or current.events <= kept.events:
                self._lru[kept.key] = kept
            self._lru.move_to_end(kept.key)
            total = sum(k.events for k in self._lru.values())
            while len(self._lru) > 1 and (
                len(self._lru) > self.max_entries or total > self.max_events
            ):
                _, evicted = self._lru.popitem(last=False)
                total -= evicted.events

    def _hold_until_commit(self, session: Session, kept: Kept) -> None:
        owned: dict[str, Kept] = session.info.setdefault(_OWNED, {})
        owned[kept.key] = kept
        if session.info.get(_OWNED + ".hooked"):
            return
        session.info[_OWNED + ".hooked"] = True

        def committed(done: Session) -> None:
            books = list(done.info.get(_OWNED, {}).values())
            done.info[_OWNED] = {}
            for book in books:
                self._give_back(book)
                self._persist_if_due(book)

        def rolled_back(done: Session, *_: object) -> None:
            done.info[_OWNED] = {}  # may hold events that were never committed

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_rollback", rolled_back)
        event.listen(session, "after_soft_rollback", rolled_back)

    # ------------------------------------------------------------------ snapshots
    def _load(self, session: Session, key: str, codes: tuple[str, ...]) -> Kept:
        if len(codes) != 1:
            return Kept(key, codes)
        row = session.execute(
            select(fact_snapshots).where(
                fact_snapshots.c.communes == key, fact_snapshots.c.fold_version == FOLD
            )
        ).one_or_none()
        if row is None:
            return Kept(key, codes)
        try:
            book = pickle.loads(zlib.decompress(row.state))  # noqa: S301 - written by this service only
        except Exception:  # a damaged row is only a lost cache
            _log.warning("fact snapshot %s unreadable; folding from the events", key, exc_info=True)
            return Kept(key, codes)
        if not isinstance(book, FactBook):
            return Kept(key, codes)
        heads: dict[Chain, int] = {}
        for name, seq in json.loads(row.frontier).items():
            service, commune = name.split("/", 1)
            heads[(service, commune)] = int(seq)
        return Kept(key, codes, book, heads, row.last_day, row.event_count, row.event_count)

    def _persist_if_due(self, kept: Kept) -> None:
        if len(kept.codes) != 1 or kept.events - kept.persisted < self.snapshot_every:
            return
        try:
            self.persist(kept)
        except Exception:  # only a cache: the next lease folds a little more
            _log.warning("fact snapshot %s not written", kept.key, exc_info=True)

    def persist(self, kept: Kept) -> None:
        """Write the snapshot of a (committed) book unless a larger one of this fold exists."""
        values: dict[str, Any] = {
            "communes": kept.key, "fold_version": FOLD,
            "frontier": json.dumps({f"{s}/{c}": n for (s, c), n in sorted(kept.heads.items())}),
            "last_day": kept.last_day, "event_count": kept.events,
            "state": zlib.compress(pickle.dumps(kept.book, protocol=5), 1),
            "updated_at": datetime.now(UTC),
        }  # fmt: skip
        with self.database.begin() as connection:
            dialect = connection.dialect.name
            if dialect not in ("postgresql", "sqlite"):
                return
            insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                fact_snapshots
            ).values(**values)
            excluded = insert.excluded
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[fact_snapshots.c.communes],
                    set_={name: excluded[name] for name in values if name != "communes"},
                    where=or_(
                        fact_snapshots.c.event_count < excluded.event_count,
                        fact_snapshots.c.fold_version != excluded.fold_version,
                    ),
                )
            )
        kept.persisted = kept.events


def _read_only(session: Session) -> bool:
    bind = session.get_bind()
    return bool(bind.get_execution_options().get(READ_ONLY_OPTION, False))
