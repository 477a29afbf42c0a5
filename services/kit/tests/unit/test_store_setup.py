"""Store setup that needs no database: URLs, engines (which connect lazily), the table layout."""

import pytest
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.schema import CreateIndex

from smartcommune.kit.events import EventPayload, PayloadRegistry
from smartcommune.kit.store import ConcurrencyConflict, EventStore, make_engine, outbox

pytestmark = pytest.mark.unit


def test_a_plain_postgresql_url_gets_the_psycopg3_driver() -> None:
    engine = make_engine("postgresql://smartcommune@db.example:5432/dossiers")
    assert engine.dialect.driver == "psycopg"
    assert engine.pool.size() == 5  # type: ignore[attr-defined]  # QueuePool, not base Pool


def test_the_unpublished_index_is_partial_on_both_databases() -> None:
    (index,) = outbox.indexes
    dialects = (PGDialect(), SQLiteDialect())  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    for dialect in dialects:
        assert "WHERE published_at IS NULL" in str(CreateIndex(index).compile(dialect=dialect))


def test_a_store_refuses_an_incomplete_registry() -> None:
    class GrownV2(EventPayload):
        event_type = "toy.grown"
        event_version = 2
        height_cm: int

    registry = PayloadRegistry("toys")
    registry.register(GrownV2)
    with pytest.raises(ValueError, match=r"not 1\.\.2"):
        EventStore(registry)


def test_a_conflict_says_what_was_expected_and_found() -> None:
    conflict = ConcurrencyConflict("dossier-7", expected=3, actual=5)
    assert (conflict.stream_id, conflict.expected, conflict.actual) == ("dossier-7", 3, 5)
    assert "expected version 3, found 5" in str(conflict)
