"""What the handlers need from the outside world, as protocols the adapters (and fakes) fulfil."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from smartcommune.kit.events import Actor

from ..domain.household import Household
from ..domain.resident import Resident
from ..domain.values import PersonalData


class Unit(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def type(self) -> str: ...


class Units(Protocol):
    def get(self, code: str) -> Unit | None: ...
    def commune_of(self, village_code: str) -> Unit: ...


class Residents(Protocol):
    def get(self, resident_id: str) -> Resident | None: ...
    def add(self, resident: Resident, actor: Actor, trace: str | None) -> None:
        """Append the pending events and project them, in the unit of work."""

    def household_of(self, resident_id: str) -> str | None: ...


class Households(Protocol):
    def get(self, household_id: str) -> Household | None: ...
    def add(self, household: Household, actor: Actor, trace: str | None) -> None: ...


class Vault(Protocol):
    """Personal data, encrypted per resident; `read` raises `PersonalDataGone` once erased."""

    def find_by_national_id(self, national_id: str) -> str | None: ...
    def store(self, resident_id: str, data: PersonalData) -> None: ...
    def read(self, resident_id: str) -> PersonalData: ...
    def erase(self, resident_id: str) -> None: ...


class IdentityUnitOfWork(Protocol):
    @property
    def residents(self) -> Residents: ...
    @property
    def households(self) -> Households: ...
    @property
    def vault(self) -> Vault: ...

    def revoke_resident_certificates(
        self, resident_id: str, actor: Actor, trace: str | None
    ) -> list[str]:
        """Revoke the resident's certificates still in force (with their events), in this unit
        of work; the serials revoked."""
        ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    def commit(self) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who issues a command: the envelope's actor, the trace to continue, and a guard that
    raises (the kit's `Forbidden`) unless the caller may act in a unit path."""

    actor: Actor
    authorize: Callable[[str], None]
    trace: str | None = None


@dataclass(frozen=True)
class Dependencies:
    """Everything handlers use, injected once by the bootstrap."""

    uow: Callable[[], IdentityUnitOfWork]
    #: A unit of work for reads only (on SQLite it never waits for the write lock).
    reader: Callable[[], IdentityUnitOfWork]
    units: Units
    clock: Callable[[], datetime]
