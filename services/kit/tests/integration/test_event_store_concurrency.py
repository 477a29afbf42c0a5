"""Concurrent writers, on SQLite and PostgreSQL: no lost update, no forked or gapped chain.

* Many writers racing for the same stream version: exactly one wins each version, every other
  one gets `ConcurrencyConflict` (never a database error, never a duplicate version).
* Many writers on different streams of one commune: every append lands, and the commune's chain
  stays one gapless, verifiable line — the head lock serialises them.
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, select

from smartcommune.kit.events import Actor, EventDraft, EventPayload, PayloadRegistry, verify_chain
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.store import ConcurrencyConflict, EventStore, UnitOfWork, events, make_engine

pytestmark = pytest.mark.integration

SERVICE, COMMUNE = "toys", "08950"
WRITERS, ROUNDS = 8, 50
T = TypeVar("T")


class Watered(EventPayload):
    event_type = "toy.watered"
    event_version = 1
    writer: int
    round: int


REGISTRY = PayloadRegistry(SERVICE)
REGISTRY.register(Watered)


def watered(stream: str, writer: int, round_: int, commune: str = COMMUNE) -> EventDraft:
    return REGISTRY.draft(
        Watered(writer=writer, round=round_),
        stream_id=stream,
        commune_code=commune,
        unit_path="VN-26/cao-phong/thon-3",
        occurred_at=datetime(2026, 4, 1, tzinfo=UTC),
        actor=Actor.for_service(SERVICE),
    )


def run_writers(work: Callable[[int], T]) -> list[T]:
    """Run `work(writer)` on WRITERS threads; re-raise the first exception any of them hit."""
    with ThreadPoolExecutor(WRITERS) as pool:
        return [future.result() for future in [pool.submit(work, w) for w in range(WRITERS)]]


class ConcurrencyContract:
    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def engine(self, url: str) -> Iterator[Engine]:
        upgrade_to_head(url)
        engine = make_engine(url, pool_size=WRITERS, max_overflow=WRITERS)
        yield engine
        engine.dispose()

    @pytest.fixture
    def store(self) -> EventStore:
        return EventStore(REGISTRY)

    def test_writers_racing_for_each_version_of_one_stream_have_one_winner_each(
        self, engine: Engine, store: EventStore
    ) -> None:
        barrier = threading.Barrier(WRITERS)
        conflicts: list[ConcurrencyConflict] = []

        def writer(w: int) -> None:
            for round_ in range(ROUNDS):
                with UnitOfWork(engine, read_only=True) as uow:
                    version = len(store.load_stream(uow, "well-1"))
                barrier.wait()  # everyone has read the same version: now all try to write it
                try:
                    with UnitOfWork(engine) as uow:
                        store.append(uow, [watered("well-1", w, round_)], version)
                        uow.commit()
                except ConcurrencyConflict as conflict:
                    conflicts.append(conflict)
                barrier.wait()  # the winner has committed before anyone reads again

        run_writers(writer)
        with UnitOfWork(engine, read_only=True) as uow:
            stream = store.load_stream(uow, "well-1")
        assert [e.stream_version for e in stream] == list(range(1, ROUNDS + 1))
        assert [e.payload["round"] for e in stream] == list(range(ROUNDS))
        assert len(conflicts) == ROUNDS * (WRITERS - 1)
        assert all(c.actual == c.expected + 1 for c in conflicts)
        assert verify_chain(stream, SERVICE, COMMUNE).ok

    def test_writers_free_for_all_on_one_stream_lose_no_update(
        self, engine: Engine, store: EventStore
    ) -> None:
        def writer(w: int) -> int:
            won = 0
            for round_ in range(ROUNDS):
                with UnitOfWork(engine) as uow:
                    version = len(store.load_stream(uow, "well-2"))
                    try:
                        store.append(uow, [watered("well-2", w, round_)], version)
                        uow.commit()
                        won += 1
                    except ConcurrencyConflict:
                        pass
            return won

        wins = run_writers(writer)
        with UnitOfWork(engine, read_only=True) as uow:
            stream = store.load_stream(uow, "well-2")
        assert [e.stream_version for e in stream] == list(range(1, sum(wins) + 1))
        assert verify_chain(stream, SERVICE, COMMUNE).ok

    def test_writers_on_different_streams_of_one_commune_keep_its_chain_one_line(
        self, engine: Engine, store: EventStore
    ) -> None:
        def writer(w: int) -> None:
            for round_ in range(ROUNDS):
                batch = [watered(f"well-{w}", w, round_) for _ in range(1 + round_ % 3)]
                with UnitOfWork(engine) as uow:
                    version = len(store.load_stream(uow, f"well-{w}"))
                    store.append(uow, batch, version)
                    uow.commit()

        run_writers(writer)
        expected = WRITERS * sum(1 + r % 3 for r in range(ROUNDS))
        with UnitOfWork(engine, read_only=True) as uow:
            chain = store.read_chain(uow, SERVICE, COMMUNE)
            head = store.chain_head(uow, SERVICE, COMMUNE)
            positions = (
                uow.session.execute(select(events.c.chain_seq).order_by(events.c.position))
                .scalars()
                .all()
            )
        report = verify_chain(chain, SERVICE, COMMUNE)
        assert report.ok, report.problem
        assert report.verified == len(chain) == expected
        assert head == report.frontier
        assert positions == list(range(1, expected + 1))  # within a commune, position = chain
        assert Counter(e.stream_id for e in chain) == {
            f"well-{w}": expected // WRITERS for w in range(WRITERS)
        }


class TestSqliteConcurrency(ConcurrencyContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'events.db'}"


class TestPostgresConcurrency(ConcurrencyContract):
    @pytest.fixture
    def url(self, fresh_postgres_url: str) -> str:
        return fresh_postgres_url
