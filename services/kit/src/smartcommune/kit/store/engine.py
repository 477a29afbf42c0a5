"""Engines configured for the event store's guarantees on SQLite and PostgreSQL.

SQLite: the `sqlite3` driver normally opens transactions lazily and only before DML, so two
writers could both read a chain head and only later fight over the write lock — one of them
then fails with "database is locked" instead of waiting, or worse, both decide on the same
`chain_seq`. Following SQLAlchemy's recipe for SQLite transactions, the driver's own BEGIN is
switched off (`isolation_level = None`) and every transaction starts with `BEGIN IMMEDIATE`,
which takes the database's single write lock up front: writers queue (up to the busy timeout)
and each sees the previous writer's committed head. Read-only units of work use a plain
(deferred) `BEGIN` so readers never queue. WAL lets those readers run beside the writer;
`synchronous=FULL` because an event the relay has published must never vanish on power loss.

PostgreSQL: pool pre-ping and recycling so connections cut by a restart or a proxy are
replaced instead of failing a request. Locking is the store's job (`SELECT … FOR UPDATE`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

#: Execution option that makes a SQLite transaction begin deferred (for read-only work).
READ_ONLY_OPTION = "smartcommune_read_only"
SQLITE_BUSY_TIMEOUT_S = 30.0


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url`; `postgresql://` URLs are given the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, kwargs)
    if parsed.get_backend_name() == "postgresql":
        options = {"pool_pre_ping": True, "pool_recycle": 1800, "pool_size": 5, "max_overflow": 10}
        return create_engine(parsed, **(options | kwargs))
    return create_engine(parsed, **kwargs)


def _sqlite_engine(url: URL, kwargs: Any) -> Engine:
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S} | kwargs.pop("connect_args", {})
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop the driver from issuing BEGIN itself; `_sqlite_begin` does it, at the right time.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
