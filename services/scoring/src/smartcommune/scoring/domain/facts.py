"""The facts of a commune, folded from the events of every service (the indicator projections).

`FactBook.apply(envelope)` reads only the payload fields an indicator needs, from the envelope's
payload mapping — no other service's package is imported, and fields a producer adds later are
ignored. The fold is the one the running service and `ReplayEvaluator` both use.

A payload lacking a field an indicator reads is listed in `unreadable` and counted nowhere —
the same in the service and in a replay — rather than stopping its chain.

**Interleaving.** Each handler updates only state keyed by its own service's streams (a resident,
an account, a team, a household's survey stream, ...), and everything that combines services —
"working-age residents *with an e-payment account*" — is computed when a metric is read, not
while folding. So the result depends on the order of events within each chain (which the chain
fixes) and not on how different chains were interleaved; `tests/unit/test_facts.py` checks it
on shuffled interleavings.

Every fact remembers the chain positions (`Pos`) it came from, which is the evidence a scorecard
shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from typing import Any

from smartcommune.kit.events import EventEnvelope

VIETNAM = timezone(timedelta(hours=7))

#: Bump when the fold's state changes shape or meaning: persisted snapshots of an older fold
#: (`adapters.factbooks`) are then ignored and rebuilt. The snapshot key also carries a hash of
#: this module's source, so any edit of the fold invalidates them even if this is forgotten.
FOLD_VERSION = 2


@dataclass(frozen=True, order=True)
class Pos:
    """One event's place: its (service, commune) chain and its sequence number there."""

    service: str
    commune_code: str
    chain_seq: int


def business_date(envelope: EventEnvelope) -> date:
    """The day (Vietnam time) the fact happened: what `as_of` is compared with."""
    return envelope.occurred_at.astimezone(VIETNAM).date()


class FactError(ValueError):
    """An event lacks a field the indicators need (the consumer dead-letters it)."""


def _str(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise FactError(f"payload.{name} must be a non-empty string")
    return value


def _opt_str(payload: Mapping[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is not None and not isinstance(value, str):
        raise FactError(f"payload.{name} must be a string or null")
    return value


def _int(payload: Mapping[str, Any], name: str) -> int:
    value = payload.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FactError(f"payload.{name} must be a non-negative integer")
    return value


def _bool(payload: Mapping[str, Any], name: str) -> bool:
    value = payload.get(name)
    if not isinstance(value, bool):
        raise FactError(f"payload.{name} must be true or false")
    return value


def _strs(payload: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = payload.get(name)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise FactError(f"payload.{name} must be a list of strings")
    return tuple(value)


@dataclass
class Resident:
    village: str
    birth_year: int
    household: str | None
    pos: Pos
    erased: bool = False


@dataclass
class Household:
    village: str
    pos: Pos


@dataclass
class Dossier:
    commune: str
    village: str | None
    kind: str
    pos: Pos
    resolved_on: date | None = None
    online: bool = False
    on_time: bool = False
    resolved_pos: Pos | None = None


@dataclass
class Account:
    holder_kind: str
    holder_id: str
    village: str
    pos: Pos
    closed: bool = False
    closed_pos: Pos | None = None


@dataclass
class Merchant:
    village: str
    accepts_qr: bool
    positions: list[Pos]


@dataclass
class Payment:
    purpose: str
    household: str | None
    village: str | None
    pos: Pos


@dataclass
class Team:
    village: str
    members: set[str]
    positions: list[Pos]
    dissolved: bool = False


@dataclass
class Survey:
    village: str
    household: str
    has_fibre: bool
    has_4g: bool
    smartphones: int
    working_age: int
    online_skills: int
    has_digital_address: bool
    pos: Pos


@dataclass
class Facility:
    village: str
    facility: str
    present: bool
    count: int
    pos: Pos


@dataclass
class Training:
    village: str
    attendees: tuple[str, ...]
    pos: Pos


@dataclass
class Recognition:
    """A unit recognised under a criteria set by a decision (until revoked)."""

    unit: str
    criteria_set: str
    decision_number: str
    pos: Pos
    revoked: bool = False


@dataclass
class UnitFact:
    """The latest attestation of a commune-level count (`unit_fact.attested`)."""

    unit: str
    fact: str
    value: int
    attested_on: date
    pos: Pos


@dataclass
class FactBook:
    residents: dict[str, Resident] = field(default_factory=dict)
    vneid: dict[str, tuple[str, Pos]] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    merchants: dict[str, Merchant] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    surveys: dict[str, Survey] = field(default_factory=dict)
    facilities: dict[tuple[str, str], Facility] = field(default_factory=dict)
    trainings: dict[str, Training] = field(default_factory=dict)
    recognitions: dict[str, Recognition] = field(default_factory=dict)  # by decision stream
    unit_facts: dict[tuple[str, str], UnitFact] = field(default_factory=dict)  # (unit, fact)
    #: events whose payload lacks what the indicators read: kept out of every count, listed
    unreadable: list[Pos] = field(default_factory=list)
    #: the events folded in, per chain: their positions (for frontiers and evidence)
    seen: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    #: bumped by every `apply`; read-side indexes derived from the state (`metrics.index_of`)
    #: are kept in `derived` with the revision they were built at, and rebuilt once it moved.
    #: Neither is state: not compared, not copied by `dataclasses.replace`, not pickled.
    revision: int = field(default=0, init=False, compare=False, repr=False)
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "derived": {}}

    @classmethod
    def of(cls, events: Iterable[EventEnvelope], as_of: date | None = None) -> FactBook:
        """The facts of `events` (any interleaving of chains) that happened on or before `as_of`."""
        return cls().extend(events, as_of)

    def extend(self, events: Iterable[EventEnvelope], as_of: date | None = None) -> FactBook:
        """Fold `events` into this book, chain by chain in chain order (those after `as_of` left
        out); `of` is this on an empty book. Extending a book with the events that follow, per
        chain, the ones it holds gives the book of all of them when every piece of state is
        written by one chain — true of a single commune (one chain per service; see the module
        docstring), which is what `adapters.factbooks` keeps incrementally."""
        for envelope in sorted(events, key=lambda e: (e.service, e.commune_code, e.chain_seq)):
            if as_of is None or business_date(envelope) <= as_of:
                self.apply(envelope)
        return self

    def apply(self, envelope: EventEnvelope) -> None:
        self.revision += 1
        handler = HANDLERS.get((envelope.service, envelope.event_type))
        pos = Pos(envelope.service, envelope.commune_code, envelope.chain_seq)
        self.seen.setdefault((pos.service, pos.commune_code), {})[pos.chain_seq] = envelope.hash
        if handler is not None:
            try:
                handler(self, envelope, envelope.payload, pos)
            except FactError:
                # The chain stays whole (the event is part of it and of every frontier), but a
                # fact that cannot be read counts nowhere; the consumer logged it on arrival.
                self.unreadable.append(pos)


Handler = Callable[[FactBook, EventEnvelope, Mapping[str, Any], Pos], None]


def check(envelope: EventEnvelope) -> None:
    """Raise `FactError` when the event lacks what the fold reads (applied to a scratch book)."""
    handler = HANDLERS.get((envelope.service, envelope.event_type))
    if handler is not None:
        pos = Pos(envelope.service, envelope.commune_code, envelope.chain_seq)
        handler(FactBook(), envelope, envelope.payload, pos)


# ----------------------------------------------------------------- identity.events.v1
def _resident_registered(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.residents[e.stream_id] = Resident(
        _str(p, "village_code"), _int(p, "birth_year"), _opt_str(p, "household_id"), pos
    )


def _resident_erased(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    if e.stream_id in b.residents:
        b.residents[e.stream_id].erased = True


def _vneid(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.vneid[e.stream_id] = (_str(p, "level"), pos)


def _household_registered(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.households[e.stream_id] = Household(_str(p, "village_code"), pos)


# ----------------------------------------------------------------- dossiers.events.v1
def _dossier_submitted(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.dossiers[e.stream_id] = Dossier(
        e.commune_code, _opt_str(p, "applicant_village"), _str(p, "kind"), pos
    )


def _dossier_resolved(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    channel, on_time, kind = _str(p, "channel"), _bool(p, "on_time"), _str(p, "kind")
    dossier = b.dossiers.setdefault(e.stream_id, Dossier(e.commune_code, None, kind, pos))
    dossier.resolved_on, dossier.resolved_pos = business_date(e), pos
    dossier.online = channel in ("full_online", "partial_online")
    dossier.on_time = on_time


# ----------------------------------------------------------------- payments.events.v1
def _account_opened(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.accounts[e.stream_id] = Account(
        _str(p, "holder_kind"), _str(p, "holder_id"), _str(p, "village_code"), pos
    )


def _account_closed(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    if e.stream_id in b.accounts:
        b.accounts[e.stream_id].closed, b.accounts[e.stream_id].closed_pos = True, pos


def _merchant_registered(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.merchants[e.stream_id] = Merchant(_str(p, "village_code"), _bool(p, "accepts_qr"), [pos])


def _merchant_qr(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    accepts = _bool(p, "accepts_qr")
    if e.stream_id in b.merchants:
        b.merchants[e.stream_id].accepts_qr = accepts
        b.merchants[e.stream_id].positions.append(pos)


def _payment(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.payments[e.stream_id] = Payment(
        _str(p, "purpose"), _opt_str(p, "household_id"), _opt_str(p, "village_code"), pos
    )


# ----------------------------------------------------------------- techteams.events.v1
def _team_established(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    leader = _str(p, "leader_member_id")
    b.teams[e.stream_id] = Team(_str(p, "village_code"), {leader}, [pos])


def _team_member(joined: bool) -> Handler:
    def handle(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
        member = _str(p, "member_id")
        team = b.teams.get(e.stream_id)
        if team is not None:
            (team.members.add if joined else team.members.discard)(member)
            team.positions.append(pos)

    return handle


def _team_dissolved(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    if e.stream_id in b.teams:
        b.teams[e.stream_id].dissolved = True
        b.teams[e.stream_id].positions.append(pos)


def _surveyed(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    household = _str(p, "household_id")
    b.surveys[household] = Survey(
        _str(p, "village_code"), household, _bool(p, "has_fibre"), _bool(p, "has_4g"),
        _int(p, "smartphones"), _int(p, "working_age_members"),
        _int(p, "working_age_with_online_skills"), _bool(p, "has_digital_address"), pos,
    )  # fmt: skip


def _facility(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    village, facility = _str(p, "village_code"), _str(p, "facility")
    b.facilities[(village, facility)] = Facility(
        village, facility, _bool(p, "present"), _int(p, "count"), pos
    )


def _training(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    b.trainings[e.stream_id] = Training(_str(p, "village_code"), _strs(p, "attendee_ids"), pos)


# ----------------------------------------------------------------- scoring.events.v1
def _unit_codes(p: Mapping[str, Any]) -> list[str]:
    units = p.get("units")
    if not isinstance(units, list | tuple):
        raise FactError("payload.units must be a list")
    codes = [u.get("code") for u in units if isinstance(u, Mapping)]
    if len(codes) != len(units) or not all(isinstance(c, str) for c in codes):
        raise FactError("payload.units[].code must be strings")
    return [str(c) for c in codes]


def _decision(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    criteria = p.get("criteria_set")
    set_id = criteria.get("id") if isinstance(criteria, Mapping) else None
    if not isinstance(set_id, str):
        raise FactError("payload.criteria_set.id must be a string")
    for unit in _unit_codes(p):
        b.recognitions[f"{e.stream_id}/{unit}"] = Recognition(
            unit, set_id, _str(p, "decision_number"), pos
        )


def _revocation(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    revoked = _str(p, "revokes_decision_id")
    for unit in _unit_codes(p):
        recognition = b.recognitions.get(f"{revoked}/{unit}")
        if recognition is not None:
            recognition.revoked = True


def _unit_fact(b: FactBook, e: EventEnvelope, p: Mapping[str, Any], pos: Pos) -> None:
    unit, fact, value = _str(p, "unit_code"), _str(p, "fact"), _int(p, "value")
    try:
        attested_on = date.fromisoformat(_str(p, "attested_on"))
    except ValueError:
        raise FactError("payload.attested_on must be an ISO date") from None
    current = b.unit_facts.get((unit, fact))
    # the attestation with the latest `attested_on` counts, whatever order they were recorded
    # in (a date is attested once: one stream per unit, fact and date)
    if current is None or current.attested_on <= attested_on:
        b.unit_facts[(unit, fact)] = UnitFact(unit, fact, value, attested_on, pos)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("identity", "resident.registered"): _resident_registered,
    ("identity", "resident.erased"): _resident_erased,
    ("identity", "vneid.level_changed"): _vneid,
    ("identity", "household.registered"): _household_registered,
    ("dossiers", "dossier.submitted"): _dossier_submitted,
    ("dossiers", "dossier.resolved"): _dossier_resolved,
    ("payments", "payment_account.opened"): _account_opened,
    ("payments", "payment_account.closed"): _account_closed,
    ("payments", "merchant.registered"): _merchant_registered,
    ("payments", "merchant.qr_acceptance_changed"): _merchant_qr,
    ("payments", "cashless_payment.recorded"): _payment,
    ("techteams", "team.established"): _team_established,
    ("techteams", "team.member_joined"): _team_member(joined=True),
    ("techteams", "team.member_left"): _team_member(joined=False),
    ("techteams", "team.leader_changed"): _team_member(joined=True),  # the new leader
    ("techteams", "team.dissolved"): _team_dissolved,
    ("techteams", "household.surveyed"): _surveyed,
    ("techteams", "facility.attested"): _facility,
    ("techteams", "training.held"): _training,
    ("scoring", "recognition.decision_issued"): _decision,
    ("scoring", "recognition.revocation_issued"): _revocation,
    ("scoring", "unit_fact.attested"): _unit_fact,
}
