"""A unit of work: one session, one transaction, committed only when the caller says so.

A service appends its events and updates its own tables (aggregates, projections, consumer
tracking rows) through the same session, so they commit or roll back together — that is what
makes the outbox trustworthy: an event is in the outbox exactly when its effects are stored.

    with UnitOfWork(engine) as uow:
        store.append(uow, drafts, expected_version=3)
        uow.session.execute(update(my_projection)...)
        uow.commit()

Leaving the block without `commit()` (or by an exception) rolls everything back.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .engine import READ_ONLY_OPTION


class UnitOfWork:
    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        """`read_only` lets SQLite readers start without taking the write lock."""
        self._bind = engine.execution_options(**{READ_ONLY_OPTION: True}) if read_only else engine
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with`")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        # expire_on_commit=False: objects read in the unit stay usable after commit.
        self._session = Session(self._bind, expire_on_commit=False)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        try:
            session.rollback()  # a no-op after commit(); undoes anything uncommitted
        finally:
            session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


SessionLike = Session | UnitOfWork


def session_of(target: SessionLike) -> Session:
    """Store methods accept a bare session (the service manages it) or a unit of work."""
    return target.session if isinstance(target, UnitOfWork) else target
