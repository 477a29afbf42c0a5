"""The event store's contract, run unchanged against SQLite (a WAL file) and PostgreSQL.

Schemas are created through the Alembic migrations — never `create_all` — so every run also
tests the migrations, and checks that they produce exactly what `tables.metadata` declares.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, select

from smartcommune.kit.events import (
    Actor,
    EventDraft,
    EventEnvelope,
    EventPayload,
    Frontier,
    PayloadRegistry,
    verify_chain,
)
from smartcommune.kit.migrations import VERSION_TABLE, alembic_config, upgrade_to_head
from smartcommune.kit.store import (
    ConcurrencyConflict,
    EventStore,
    InvalidAppendError,
    UnitOfWork,
    events,
    make_engine,
    metadata,
    outbox,
)

pytestmark = pytest.mark.integration

SERVICE, COMMUNE = "toys", "08950"
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class PlantedV1(EventPayload):
    event_type = "toy.planted"
    event_version = 1
    tree: str


class PlantedV2(EventPayload):
    event_type = "toy.planted"
    event_version = 2
    species: str
    count: int


def upcast_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {"species": data["tree"], "count": 1}


def toy_registry(*, latest: int = 2) -> PayloadRegistry:
    registry = PayloadRegistry(SERVICE)
    registry.register(PlantedV1)
    if latest == 2:
        registry.register(PlantedV2)
        registry.upcaster("toy.planted")(upcast_v1_v2)
    return registry


def planted(stream: str, count: int = 1, commune: str = COMMUNE) -> EventDraft:
    return toy_registry().draft(
        PlantedV2(species="bưởi Diễn", count=count),
        stream_id=stream,
        commune_code=commune,
        unit_path="VN-26/cao-phong/thôn-1",
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
        actor=Actor(subject="officer-1", role="commune-officer"),
        trace=TRACE,
    )


# A service's own table lives in the service's own metadata, and commits with the events or not.
garden = MetaData()
trees = Table(
    "trees", garden, Column("stream_id", String(200), primary_key=True), Column("n", Integer)
)


class EventStoreContract:
    """Subclasses provide `url`, the URL of an empty database."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def engine(self, url: str) -> Iterator[Engine]:
        upgrade_to_head(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()

    @pytest.fixture
    def store(self) -> EventStore:
        return EventStore(toy_registry())

    @staticmethod
    def commit(
        engine: Engine, store: EventStore, drafts: list[EventDraft], expected: int
    ) -> list[EventEnvelope]:
        with UnitOfWork(engine) as uow:
            sealed = store.append(uow, drafts, expected)
            uow.commit()
        return sealed

    # ---------------------------------------------------------------- migrations
    def test_migrations_create_exactly_the_declared_tables(self, engine: Engine) -> None:
        def kit_only(name: str | None, type_: str, _parent: Any) -> bool:
            # Other kit modules add their tables to `metadata` too (the migration env imports
            # them all); Alembic's own version table is the only one nobody declares.
            return not (type_ == "table" and name == VERSION_TABLE)

        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": kit_only}
            )
            assert compare_metadata(context, metadata) == []

    def test_rerunning_migrations_is_harmless(
        self, url: str, engine: Engine, store: EventStore
    ) -> None:
        self.commit(engine, store, [planted("garden-1")], 0)
        upgrade_to_head(url)
        upgrade_to_head(url)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with engine.connect() as connection:
            assert MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE}
            ).get_current_heads() == (head,)
        with UnitOfWork(engine, read_only=True) as uow:
            assert len(store.load_stream(uow, "garden-1")) == 1

    # ---------------------------------------------------------------- appending and loading
    def test_appended_events_load_back_identically(self, engine: Engine, store: EventStore) -> None:
        sealed = self.commit(engine, store, [planted("garden-1", 1), planted("garden-1", 2)], 0)
        with UnitOfWork(engine, read_only=True) as uow:
            loaded = store.load_stream(uow, "garden-1")
            bodies = uow.session.scalars(select(events.c.body).order_by(events.c.position))
            assert list(bodies) == [envelope.to_wire() for envelope in sealed]
        assert loaded == sealed
        assert [e.stream_version for e in loaded] == [1, 2]
        assert loaded[0].payload["species"] == "bưởi Diễn"
        assert loaded[0].trace == TRACE

    def test_a_stream_continues_from_its_version(self, engine: Engine, store: EventStore) -> None:
        self.commit(engine, store, [planted("garden-1")], 0)
        sealed = self.commit(engine, store, [planted("garden-1"), planted("garden-1")], 1)
        assert [e.stream_version for e in sealed] == [2, 3]
        assert [e.chain_seq for e in sealed] == [2, 3]

    @pytest.mark.parametrize("expected", [0, 2, 5])
    def test_a_wrong_expected_version_is_a_concurrency_conflict(
        self, engine: Engine, store: EventStore, expected: int
    ) -> None:
        self.commit(engine, store, [planted("garden-1")], 0)
        with UnitOfWork(engine) as uow, pytest.raises(ConcurrencyConflict) as caught:
            store.append(uow, [planted("garden-1")], expected)
        assert (caught.value.stream_id, caught.value.expected, caught.value.actual) == (
            "garden-1",
            expected,
            1,
        )
        with UnitOfWork(engine, read_only=True) as uow:
            assert len(store.load_stream(uow, "garden-1")) == 1

    def test_events_written_as_v1_read_back_upcast_to_v2(self, engine: Engine) -> None:
        old = EventStore(toy_registry(latest=1))
        draft = toy_registry(latest=1).draft(
            PlantedV1(tree="cam Cao Phong"),
            stream_id="garden-1",
            commune_code=COMMUNE,
            unit_path="VN-26/cao-phong",
            occurred_at=datetime(2025, 12, 1, tzinfo=UTC),
            actor=Actor.for_service(SERVICE),
        )
        self.commit(engine, old, [draft], 0)
        new = EventStore(toy_registry())
        with UnitOfWork(engine, read_only=True) as uow:
            (envelope,) = new.load_stream(uow, "garden-1")
        assert envelope.event_version == 1
        assert new.registry.decode(envelope) == PlantedV2(species="cam Cao Phong", count=1)

    def test_invalid_appends_are_refused_before_anything_is_written(
        self, engine: Engine, store: EventStore
    ) -> None:
        stale = planted("garden-1").model_copy(update={"event_version": 1})
        for drafts in ([], [planted("garden-1"), planted("garden-2")], [stale]):
            with UnitOfWork(engine) as uow, pytest.raises(InvalidAppendError):
                store.append(uow, drafts, 0)
        self.commit(engine, store, [planted("garden-1")], 0)
        with UnitOfWork(engine) as uow, pytest.raises(InvalidAppendError, match="belongs to"):
            store.append(uow, [planted("garden-1", commune="08951")], 1)
        with UnitOfWork(engine, read_only=True) as uow, pytest.raises(InvalidAppendError):
            store.append(uow, [planted("garden-1")], 1)

    # ---------------------------------------------------------------- transactions
    def test_service_tables_commit_or_roll_back_with_the_events(
        self, engine: Engine, store: EventStore
    ) -> None:
        garden.create_all(engine)
        with UnitOfWork(engine) as uow:
            store.append(uow, [planted("garden-1")], 0)
            uow.session.execute(trees.insert().values(stream_id="garden-1", n=1))
            # no commit: both go
        with UnitOfWork(engine) as uow:
            store.append(uow, [planted("garden-2")], 0)
            uow.session.execute(trees.insert().values(stream_id="garden-2", n=1))
            uow.commit()
        with UnitOfWork(engine, read_only=True) as uow:
            assert uow.session.scalars(select(trees.c.stream_id)).all() == ["garden-2"]
            assert [e.stream_id for e in store.read_chain(uow, SERVICE, COMMUNE)] == ["garden-2"]
            assert store.chain_head(uow, SERVICE, COMMUNE).chain_seq == 1

    # ---------------------------------------------------------------- chains
    def test_chains_are_per_commune_gapless_and_verifiable(
        self, engine: Engine, store: EventStore
    ) -> None:
        self.commit(engine, store, [planted("garden-1"), planted("garden-1")], 0)
        self.commit(engine, store, [planted("garden-9", commune="08951")], 0)
        self.commit(engine, store, [planted("garden-2")], 0)
        last = self.commit(engine, store, [planted("garden-1")], 2)[-1]
        with UnitOfWork(engine, read_only=True) as uow:
            chain = store.read_chain(uow, SERVICE, COMMUNE)
            other = store.read_chain(uow, SERVICE, "08951")
            head = store.chain_head(uow, SERVICE, COMMUNE)
            suffix = store.read_chain(uow, SERVICE, COMMUNE, from_seq=3)
        report = verify_chain(chain, SERVICE, COMMUNE)
        assert report.ok, report.problem
        assert [e.chain_seq for e in chain] == [1, 2, 3, 4]
        assert report.frontier == head == Frontier(4, last.hash)
        assert [e.chain_seq for e in other] == [1]
        assert verify_chain(other, SERVICE, "08951").ok
        start = Frontier(2, chain[1].hash)
        assert verify_chain(suffix, SERVICE, COMMUNE, start=start).ok

    def test_an_unknown_chain_is_at_genesis(self, engine: Engine, store: EventStore) -> None:
        with UnitOfWork(engine, read_only=True) as uow:
            assert store.chain_head(uow, SERVICE, "99999").chain_seq == 0
            assert store.read_chain(uow, SERVICE, "99999") == []

    # ---------------------------------------------------------------- global order and outbox
    def test_read_all_pages_through_positions_in_order(
        self, engine: Engine, store: EventStore
    ) -> None:
        for n in range(5):
            self.commit(engine, store, [planted(f"garden-{n}", commune=f"0895{n % 2}")], 0)
        with UnitOfWork(engine, read_only=True) as uow:
            first = store.read_all(uow, after_position=0, limit=3)
            rest = store.read_all(uow, after_position=first[-1].position, limit=3)
        positions = [p.position for p in first + rest]
        assert positions == sorted(set(positions))
        assert len(positions) == 5
        assert [p.envelope.stream_id for p in first + rest] == [f"garden-{n}" for n in range(5)]

    def test_unpublished_events_come_in_order_until_marked(
        self, engine: Engine, store: EventStore
    ) -> None:
        sealed = self.commit(engine, store, [planted("garden-1"), planted("garden-1")], 0)
        sealed += self.commit(engine, store, [planted("garden-2", commune="08951")], 0)
        with UnitOfWork(engine) as uow:
            pending = store.unpublished(uow, limit=10)
            assert [r.body for r in pending] == [e.to_wire() for e in sealed]
            assert [(r.commune_code, r.event_type, r.trace) for r in pending][2] == (
                "08951",
                "toy.planted",
                TRACE,
            )
            assert store.mark_published(uow, [r.position for r in pending[:2]]) == 2
            assert store.mark_published(uow, [pending[0].position]) == 0  # already marked
            uow.commit()
        with UnitOfWork(engine) as uow:
            assert [r.position for r in store.unpublished(uow)] == [pending[2].position]
            store.mark_published(uow, [pending[2].position])
            uow.commit()
        with UnitOfWork(engine, read_only=True) as uow:
            assert store.unpublished(uow) == []
            assert uow.session.scalar(select(func.count()).select_from(outbox)) == 3


class TestSqliteEventStore(EventStoreContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'events.db'}"

    def test_the_database_runs_in_wal_mode_with_foreign_keys(self, engine: Engine) -> None:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

    def test_an_open_reader_does_not_block_a_writer(
        self, engine: Engine, store: EventStore
    ) -> None:
        """Read-only units begin deferred: with WAL the writer goes ahead beside them."""
        with UnitOfWork(engine, read_only=True) as reader:
            assert store.load_stream(reader, "garden-1") == []
            self.commit(engine, store, [planted("garden-1")], 0)
            assert store.load_stream(reader, "garden-1") == []  # its snapshot stays put
        with UnitOfWork(engine, read_only=True) as reader:
            assert len(store.load_stream(reader, "garden-1")) == 1


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def url(self, fresh_postgres_url: str) -> str:
        return fresh_postgres_url
