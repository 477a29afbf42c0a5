"""What the handlers need from the outside world, as protocols the adapters (and fakes) fulfil."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from smartcommune.kit.events import Actor

from ..domain.changes import Aggregate
from ..domain.facts import DatedFacts
from ..domain.task import Task
from ..domain.team import Team
from .idempotency import Receipt, Replay


class Unit(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def parent(self) -> str | None: ...


class Units(Protocol):
    def get(self, code: str) -> Unit | None: ...


class Streams(Protocol):
    def team(self, team_id: str) -> Team | None: ...
    def task(self, task_id: str) -> Task | None: ...
    def facts(self, stream_id: str) -> DatedFacts | None: ...
    def add(self, aggregate: Aggregate, actor: Actor, trace: str | None) -> None: ...


class Lookups(Protocol):
    def active_team_of_village(self, village_code: str) -> str | None: ...
    def member_of_account(self, subject: str) -> dict[str, Any] | None: ...
    def household(self, household_id: str) -> dict[str, Any] | None: ...
    def resident(self, resident_id: str) -> dict[str, Any] | None: ...
    def households_in(self, ids: Iterable[str]) -> dict[str, str]: ...


class Receipts(Protocol):
    def find(self, owner: str, key: str) -> Replay | None: ...
    def keep(self, receipt: Receipt, status_code: int, body: object) -> None: ...


class TechteamsUnitOfWork(Protocol):
    @property
    def streams(self) -> Streams: ...
    @property
    def lookups(self) -> Lookups: ...
    @property
    def receipts(self) -> Receipts: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who issues a command.

    `authorize` raises the kit's `Forbidden` unless the caller may write in a unit path.
    `as_member`: a tech-team member, who besides the unit is confined to their own team (found
    through the member record linked to their account `subject`). `receipt`: what to keep
    under the request's idempotency key, in the command's transaction.
    """

    actor: Actor
    subject: str
    authorize: Callable[[str], None]
    as_member: bool = False
    trace: str | None = None
    receipt: Receipt | None = None


@dataclass(frozen=True)
class Dependencies:
    uow: Callable[[], TechteamsUnitOfWork]
    units: Units
    clock: Callable[[], datetime]
