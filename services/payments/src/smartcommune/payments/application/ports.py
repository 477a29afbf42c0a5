"""What the handlers need from the outside world, as protocols the adapters fulfil; injected
once by the bootstrap, so the wiring of the real adapters stays in `bootstrap.py`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, TypeVar

from sqlalchemy.orm import Session

from smartcommune.kit.events import Actor
from smartcommune.kit.units import AdminUnit, UnitDirectory

from ..domain.aggregate import Aggregate
from ..domain.errors import InconsistentCommand
from ..domain.fee import CollectingAccount

A = TypeVar("A", bound=Aggregate)


class Streams(Protocol):
    """The event-sourced repository of every aggregate (`adapters.repository`)."""

    def get(self, kind: type[A], stream_id: str) -> A | None: ...

    def save(self, aggregate: Aggregate, actor: Actor, trace: str | None) -> None:
        """Append the pending events (expected version = as loaded) and project the row."""


class Vault(Protocol):
    """The encrypted store of full account numbers (`adapters.vault`)."""

    def holder_of(self, session: Session, provider: str, number: str) -> str | None: ...

    def store(self, session: Session, account_id: str, provider: str, number: str) -> None: ...


class PaymentsUnitOfWork(Protocol):
    @property
    def streams(self) -> Streams: ...
    @property
    def session(self) -> Session: ...

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
    uow: Callable[[], PaymentsUnitOfWork]
    units: UnitDirectory
    clock: Callable[[], datetime]
    vault: Vault | None
    collecting: Mapping[str, CollectingAccount] = field(default_factory=dict)

    def village(self, code: str, field_name: str = "village_code") -> tuple[AdminUnit, AdminUnit]:
        """The village and its commune, or `InconsistentCommand` naming the field."""
        unit = self.units.get(code)
        if unit is None or not unit.is_village:
            raise InconsistentCommand(field_name, f"{code} is not a known village code")
        return unit, self.units.commune_of(code)

    def commune(self, code: str, field_name: str = "commune_code") -> AdminUnit:
        unit = self.units.get(code)
        if unit is None or not unit.is_commune_level:
            raise InconsistentCommand(field_name, f"{code} is not a known commune or ward code")
        return unit
