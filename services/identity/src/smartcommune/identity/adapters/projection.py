"""The read model, projected event by event — inline after each append, or rebuilt from zero.

Both paths run the same `project(connection, envelope)`, so the counts an official sees and the
counts a rebuild computes cannot disagree. The counts follow the facts only: an erasure marks
the resident erased and changes no count, because indicators are computed from events that
erasure leaves intact. Events of other aggregates (the CA's certificates) are ignored here.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, delete, insert, select, update

from smartcommune.kit.events import EventEnvelope, EventPayload
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain import events as e
from ..domain.errors import InvalidCommand
from ..domain.values import VneidLevel
from .tables import household_summaries as households
from .tables import resident_summaries as residents
from .tables import village_counts as counts

REPLAY_PAGE = 2000
Projector = Callable[[Connection, EventEnvelope, EventPayload], None]


def _bump(c: Connection, envelope: EventEnvelope, village: str, **deltas: int) -> None:
    """Add to a village's counts (the first event of a village creates its row). Writers of one
    commune are serialised by the event store's chain-head lock, so this cannot race."""
    changes = {name: getattr(counts.c, name) + delta for name, delta in deltas.items()}
    if c.execute(update(counts).where(counts.c.village_code == village).values(changes)).rowcount:
        return
    zero = {"residents": 0, "vneid_level_2": 0, "households": 0}
    c.execute(
        insert(counts).values(
            village_code=village, commune_code=envelope.commune_code,
            unit_path=envelope.unit_path, **{**zero, **deltas},
        )
    )  # fmt: skip


def _join(c: Connection, resident_id: str, household_id: str) -> None:
    """Backstop of the application's check: a resident belongs to one household at most."""
    free = (residents.c.household_id.is_(None)) | (residents.c.household_id == household_id)
    query = update(residents).where(residents.c.resident_id == resident_id, free)
    if not c.execute(query.values(household_id=household_id)).rowcount:
        raise InvalidCommand("resident_id", "the resident already belongs to a household")


def _resident_registered(c: Connection, env: EventEnvelope, p: EventPayload) -> None:
    assert isinstance(p, e.ResidentRegistered)
    c.execute(
        insert(residents).values(
            resident_id=env.stream_id, commune_code=env.commune_code, village_code=p.village_code,
            unit_path=env.unit_path, household_id=p.household_id, birth_year=p.birth_year,
            vneid_level=VneidLevel.NONE.value, registered_at=env.occurred_at,
            version=env.stream_version,
        )
    )  # fmt: skip
    _bump(c, env, p.village_code, residents=1)


def _vneid_changed(c: Connection, env: EventEnvelope, p: EventPayload) -> None:
    assert isinstance(p, e.VneidLevelChanged)
    row = residents.c.resident_id == env.stream_id
    c.execute(
        update(residents).where(row).values(
            vneid_level=p.level.value, vneid_changed_on=p.changed_on,
            vneid_source=p.source.value, version=env.stream_version,
        )
    )  # fmt: skip
    delta = (p.level is VneidLevel.LEVEL_2) - (p.previous_level is VneidLevel.LEVEL_2)
    if delta:
        village = c.execute(select(residents.c.village_code).where(row)).scalar_one()
        _bump(c, env, village, vneid_level_2=delta)


def _resident_erased(c: Connection, env: EventEnvelope, _: EventPayload) -> None:
    c.execute(
        update(residents).where(residents.c.resident_id == env.stream_id)
        .values(erased_at=env.occurred_at, version=env.stream_version)
    )  # fmt: skip


def _household_registered(c: Connection, env: EventEnvelope, p: EventPayload) -> None:
    assert isinstance(p, e.HouseholdRegistered)
    c.execute(
        insert(households).values(
            household_id=env.stream_id, commune_code=env.commune_code,
            village_code=p.village_code, unit_path=env.unit_path,
            member_count=len(p.member_ids), registered_at=env.occurred_at,
            version=env.stream_version,
        )
    )  # fmt: skip
    _bump(c, env, p.village_code, households=1)
    for member in p.member_ids:
        _join(c, member, env.stream_id)


def _member_added(c: Connection, env: EventEnvelope, p: EventPayload) -> None:
    assert isinstance(p, e.HouseholdMemberAdded)
    c.execute(
        update(households).where(households.c.household_id == env.stream_id)
        .values(member_count=households.c.member_count + 1, version=env.stream_version)
    )  # fmt: skip
    _join(c, p.resident_id, env.stream_id)


PROJECTORS: dict[str, Projector] = {
    "resident.registered": _resident_registered,
    "vneid.level_changed": _vneid_changed,
    "resident.erased": _resident_erased,
    "household.registered": _household_registered,
    "household.member_added": _member_added,
}


def project(connection: Connection, envelope: EventEnvelope) -> None:
    projector = PROJECTORS.get(envelope.event_type)
    if projector is not None:
        projector(connection, envelope, e.registry.decode(envelope))


def rebuild_read_model(engine: Engine, store: EventStore | None = None) -> int:
    """Empty the read model and replay every event of the service into it, in one transaction
    (readers see the old or the new model, never half of one); returns the events replayed."""
    store = store or EventStore(e.registry)
    replayed = 0
    with UnitOfWork(engine) as uow:
        connection = uow.session.connection()
        for table in (counts, households, residents):
            connection.execute(delete(table))
        position = 0
        while page := store.read_all(uow, after_position=position, limit=REPLAY_PAGE):
            for item in page:
                project(connection, item.envelope)
            replayed, position = replayed + len(page), page[-1].position
        uow.commit()
    return replayed
