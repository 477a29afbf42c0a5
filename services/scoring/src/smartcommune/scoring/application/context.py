"""What the use cases need, wired once by `bootstrap`: the database, the store, the base unit
file and criteria sets, the signer and a clock; plus the helpers they share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartcommune.kit.auth import Principal, Rule, authorize
from smartcommune.kit.events import Actor, EventEnvelope
from smartcommune.kit.store import EventStore, UnitOfWork
from smartcommune.kit.store.tables import events as event_rows

from ..adapters.factbooks import FactBooks
from ..adapters.signing import Signer
from ..domain.criteria import CriteriaCatalogue, LoadedSet
from ..domain.engine import Engine
from ..domain.events import MASTER_DATA_CHAIN
from ..domain.facts import VIETNAM
from ..domain.units import UNIT_EVENTS, AdminUnit, UnitDirectory, apply_unit_event
from .errors import InputError, NotFoundError, StateConflictError

SERVICE = "scoring"


@dataclass
class Context:
    database: SqlEngine
    store: EventStore
    base_units: UnitDirectory
    criteria: CriteriaCatalogue
    signer: Signer
    clock: Callable[[], datetime]
    #: the incrementally kept fact books (built with defaults on first use when not given)
    fact_books: FactBooks | None = None
    _cache: tuple[int, UnitDirectory] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def facts(self) -> FactBooks:
        with self._lock:
            if self.fact_books is None:
                self.fact_books = FactBooks(self.database, self.store)
            return self.fact_books

    @property
    def engine(self) -> Engine:
        return Engine(self.base_units, self.criteria)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self.database, read_only=read_only)

    def today(self) -> date:
        return self.clock().astimezone(VIETNAM).date()

    # ------------------------------------------------------------- units
    def directory(self, session: Session) -> UnitDirectory:
        """The file's units with every recorded change applied (cached until the next change)."""
        kinds = sorted(UNIT_EVENTS)
        where = (event_rows.c.service == SERVICE, event_rows.c.event_type.in_(kinds))
        last = session.scalar(select(func.max(event_rows.c.position)).where(*where)) or 0
        with self._lock:
            if self._cache is not None and self._cache[0] == last:
                return self._cache[1]
        directory = self.base_units.copy()
        bodies = session.scalars(
            select(event_rows.c.body).where(*where).order_by(event_rows.c.position)
        )
        for body in bodies:
            event = EventEnvelope.from_wire(body)
            apply_unit_event(directory, event.event_type, event.payload)
        with self._lock:
            self._cache = (last, directory)
        return directory

    def unit(self, directory: UnitDirectory, code: str, field_name: str = "unit_code") -> AdminUnit:
        """A unit named in the path (404 when unknown) or in the body (422 naming the field)."""
        unit = directory.get(code)
        if unit is None:
            if field_name == "unit_code":
                raise NotFoundError(f"no unit with code {code}")
            raise InputError(field_name, f"no unit with code {code}")
        return unit

    def criteria_set(self, set_id: str, version: int | None = None) -> LoadedSet:
        loaded = self.criteria.get(set_id, version)
        if loaded is None:
            what = f"{set_id} v{version}" if version else set_id
            raise InputError("criteria_set_id", f"no criteria set {what}")
        return loaded

    def criteria_set_in_force(self, set_id: str, version: int | None = None) -> LoadedSet:
        """A set that may be applied today: a decision under an expired set is refused."""
        loaded = self.criteria_set(set_id, version)
        criteria, today = loaded.criteria, self.today()
        if today < criteria.valid_from or (criteria.valid_to and criteria.valid_to < today):
            raise StateConflictError(
                f"criteria set {criteria.id} v{criteria.version} is valid from "
                f"{criteria.valid_from} to {criteria.valid_to or 'further notice'}, not on {today}"
            )
        return loaded


def allow(principal: Principal, rule: Rule, unit: AdminUnit | None) -> None:
    authorize(principal, rule, unit.path if unit else None)


def actor_of(principal: Principal, rule: Rule) -> Actor:
    roles = sorted(principal.roles & rule.roles) or ["service"]
    return Actor(subject=principal.subject, role=roles[0])


def chain_of(directory: UnitDirectory, unit: AdminUnit) -> tuple[str, str]:
    """The (commune_code, unit_path) an event about `unit` is recorded under."""
    commune = directory.commune_of(unit.code)
    if commune is None:
        return MASTER_DATA_CHAIN, unit.path
    return commune.code, unit.path
