"""What the handlers need from the outside world, as protocols the adapters (and fakes) fulfil.

Handlers depend on these shapes only, so unit tests drive the real handlers with fakes of a few
lines, and the wiring of the real adapters stays in `bootstrap.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from smartcommune.kit.events import Actor

from ..domain.dossier import Dossier


class Unit(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def is_commune_level(self) -> bool: ...


class Units(Protocol):
    def get(self, code: str) -> Unit | None: ...


class DossierRepository(Protocol):
    def get(self, dossier_id: str) -> Dossier | None: ...

    def add(self, dossier: Dossier, actor: Actor, trace: str | None) -> None:
        """Store the dossier's pending events (and its read-model row) in the unit of work."""

    def existing(self, dossier_ids: Iterable[str]) -> set[str]: ...


class DossierUnitOfWork(Protocol):
    @property
    def dossiers(self) -> DossierRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who issues a command: the envelope's actor, the trace to continue, and a guard that
    raises (the kit's `Forbidden`) unless the caller may write in a unit path."""

    actor: Actor
    authorize: Callable[[str], None]
    trace: str | None = None


@dataclass(frozen=True)
class Dependencies:
    """Everything handlers use, injected once by the bootstrap."""

    uow: Callable[[], DossierUnitOfWork]
    units: Units
    pause_clock_during_supplement: bool
    clock: Callable[[], datetime]
    import_chunk_size: int = 500
