"""Commune-level facts attested by the commune officer (`unit_fact.attested`): the criterion-8
indicators of Decision 1127 that no other service's event measures (postal service point,
officials trained, OCOP products online). Recorded on the commune's own scoring chain, folded
by the same `FactBook` code as everything else, so a replay reproduces them.

One attestation per unit, fact and date (stream `unit-fact-<unit>-<fact>-<date>`): sending the
same one again answers the recorded event (idempotent); a different value or evidence for a
date already attested is refused (409) — a correction is attested on a later date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from smartcommune.kit.auth import Principal
from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import ConcurrencyConflict

from ..domain.events import UNIT_FACTS, UnitFactAttested, registry
from .context import Context, actor_of, allow, chain_of
from .errors import AlreadyExistsError, InputError
from .rules import ATTEST_FACTS, READ_UNIT

EVENT_TYPE = UnitFactAttested.event_type


def _view(event: EventEnvelope) -> dict[str, Any]:
    return {
        **dict(event.payload), "event_id": event.event_id, "recorded_at": event.recorded_at,
        "commune_code": event.commune_code, "chain_seq": event.chain_seq,
    }  # fmt: skip


def attest(
    ctx: Context, principal: Principal, code: str, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Record an attestation; returns its view and whether it was new."""
    attested_on: date = data["attested_on"]
    if attested_on > ctx.today():
        raise InputError("attested_on", "an attestation cannot be dated in the future")
    with ctx.uow() as uow:
        directory = ctx.directory(uow.session)
        unit = ctx.unit(directory, code)
        allow(principal, ATTEST_FACTS, unit)
        if not unit.is_commune_level:
            raise InputError(
                "unit_code", f"{code} is a {unit.type}: facts are attested per commune"
            )
        payload = UnitFactAttested(unit_code=code, **data)
        stream = f"unit-fact-{code}-{payload.fact}-{attested_on.isoformat()}"
        recorded = ctx.store.load_stream(uow, stream)
        if recorded:
            return _same_or_conflict(recorded[0], payload), False
        commune, path = chain_of(directory, unit)
        draft = registry.draft(
            payload, stream_id=stream, commune_code=commune, unit_path=path,
            occurred_at=ctx.clock(), actor=actor_of(principal, ATTEST_FACTS),
        )  # fmt: skip
        try:
            [event] = ctx.store.append(uow, [draft], expected_version=0)
        except ConcurrencyConflict:  # recorded meanwhile by a concurrent request
            uow.rollback()
            with ctx.uow(read_only=True) as again:
                return _same_or_conflict(ctx.store.load_stream(again, stream)[0], payload), False
        uow.commit()
    return _view(event), True


def _same_or_conflict(recorded: EventEnvelope, payload: UnitFactAttested) -> dict[str, Any]:
    fields = ("value", "evidence_sha256", "note")
    wanted = payload.model_dump(mode="json")
    if any(recorded.payload.get(name) != wanted[name] for name in fields):
        raise AlreadyExistsError(
            f"{payload.fact} of {payload.unit_code} was attested differently on "
            f"{payload.attested_on}; attest a correction on a later date"
        )
    return _view(recorded)


def latest(ctx: Context, principal: Principal, code: str) -> list[dict[str, Any]]:
    """The latest attestation of each fact of a commune-level unit (the ones metrics count)."""
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
        unit = ctx.unit(directory, code)
        allow(principal, READ_UNIT, unit)
        commune, _ = chain_of(directory, unit)
        with ctx.facts.lease(uow.session, [commune], ctx.today()) as folded:
            found = {fact: folded.book.unit_facts.get((code, fact)) for fact in UNIT_FACTS}
    return [
        {"fact": fact, "value": f.value, "attested_on": f.attested_on,
         "chain": {"service": f.pos.service, "commune_code": f.pos.commune_code,
                   "chain_seq": f.pos.chain_seq}}
        for fact, f in found.items() if f is not None
    ]  # fmt: skip
