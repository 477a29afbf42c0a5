"""The recognition workflow, shared part and proposals: a commune proposes units under a
criteria set; the certifying authority the set names reviews and may return it with comments
(decisions: `decisions.py`; re-evaluation: `reevaluation.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from smartcommune.kit.auth import Principal
from smartcommune.kit.store import ConcurrencyConflict

from ..adapters.factbooks import Folded
from ..domain.criteria import LoadedSet
from ..domain.events import (
    CriteriaSetRef,
    RecognitionProposed,
    RecognitionReturned,
    registry,
)
from ..domain.scorecard import Scorecard, ScorecardError
from ..domain.units import AdminUnit, UnitDirectory
from .context import Context, actor_of, allow
from .errors import (
    InputError,
    NotFoundError,
    StateConflictError,
)
from .rules import PROPOSE, READ_UNIT, authority_rule

NS = uuid.UUID("0f5f1f53-2a43-4c43-8a6e-9d1b3c6f5e21")
DECISION = "recognition.decision_issued"
REVOCATION = "recognition.revocation_issued"
PURPOSES = {DECISION: "recognition-decision", REVOCATION: "revocation-decision"}


def decision_id(proposal_id: str) -> str:
    return f"decision-{uuid.uuid5(NS, proposal_id)}"


def revocation_id(decision: str) -> str:
    return f"revocation-{uuid.uuid5(NS, decision)}"


@dataclass
class Proposal:
    id: str
    commune_code: str
    unit_path: str
    criteria_set: dict[str, Any]
    unit_codes: list[str]
    include_predecessors: bool
    note: str
    proposed_by: str
    proposed_at: str
    version: int
    status: str = "proposed"
    returns: list[dict[str, str]] = field(default_factory=list)
    decision_id: str | None = None

    def view(self) -> dict[str, Any]:
        return {
            "proposal_id": self.id, "commune_code": self.commune_code, "status": self.status,
            "criteria_set": self.criteria_set, "unit_codes": self.unit_codes,
            "include_predecessors": self.include_predecessors, "note": self.note,
            "proposed_by": self.proposed_by, "proposed_at": self.proposed_at,
            "returns": self.returns, "decision_id": self.decision_id, "version": self.version,
        }  # fmt: skip


def load_proposal(ctx: Context, session: Session, proposal_id: str) -> Proposal:
    events = (
        ctx.store.load_stream(session, proposal_id) if proposal_id.startswith("proposal-") else []
    )
    if not events:
        raise NotFoundError(f"no proposal {proposal_id}")
    first, payload = events[0], events[0].payload
    proposal = Proposal(
        proposal_id, first.commune_code, first.unit_path, dict(payload["criteria_set"]),
        list(payload["unit_codes"]), payload["include_predecessors"], payload["note"],
        first.actor.subject, first.occurred_at.isoformat(), len(events),
    )  # fmt: skip
    for event in events[1:]:
        if event.event_type == "recognition.returned":
            proposal.status = "returned"
            proposal.returns.append(
                {"comments": event.payload["comments"], "by": event.actor.subject,
                 "at": event.occurred_at.isoformat()}
            )  # fmt: skip
    if ctx.store.load_stream(session, decision_id(proposal_id)):
        proposal.status, proposal.decision_id = "decided", decision_id(proposal_id)
    return proposal


def communes_of(directory: UnitDirectory, commune: str, rollup: bool) -> set[str]:
    codes = {commune}
    if rollup:
        codes |= {c for c in directory.predecessors(commune) if directory.units[c].is_commune_level}
        for village in directory.villages_under(commune):
            for old in directory.predecessors(village.code):
                owner = directory.commune_of(old)
                if owner is not None:
                    codes.add(owner.code)
    return codes


def failing_units(cards: list[Scorecard]) -> list[dict[str, Any]]:
    return [
        {
            "unit_code": c.unit_code,
            "unit_name": c.unit_name,
            "failing_mandatory": [
                {
                    "indicator_id": i.indicator_id,
                    "value": {"numerator": i.numerator, "denominator": i.denominator},
                    "threshold": i.threshold,
                }
                for i in c.indicators
                if i.mandatory and not i.met
            ],
            "optional_met": c.optional_met,
            "optional_needed": c.optional_needed,
        }
        for c in cards
        if not c.meets
    ]


# ----------------------------------------------------------------- proposing
def propose(
    ctx: Context,
    principal: Principal,
    set_id: str,
    version: int | None,
    unit_codes: list[str],
    note: str,
    rollup: bool,
) -> dict[str, Any]:
    loaded = ctx.criteria_set_in_force(set_id, version)
    if len(set(unit_codes)) != len(unit_codes):
        raise InputError("unit_codes", "a unit is named twice")
    with ctx.uow() as uow:
        directory = ctx.directory(uow.session)
        units = [ctx.unit(directory, code, "unit_codes") for code in unit_codes]
        communes = {directory.commune_of(u.code) for u in units}
        commune = next(iter(communes)) if len(communes) == 1 else None
        if commune is None:
            raise InputError("unit_codes", "the units must belong to one commune")
        allow(principal, PROPOSE, commune)
        cards = scorecards_of(
            ctx, uow.session, directory, commune, units, loaded, ctx.today(), rollup
        )
        proposal_id = f"proposal-{uuid.uuid4()}"
        ref = CriteriaSetRef.model_validate(loaded.ref)
        draft = registry.draft(
            RecognitionProposed(commune_code=commune.code, criteria_set=ref,
                                unit_codes=tuple(unit_codes), include_predecessors=rollup,
                                note=note),
            stream_id=proposal_id, commune_code=commune.code, unit_path=commune.path,
            occurred_at=ctx.clock(), actor=actor_of(principal, PROPOSE),
        )  # fmt: skip
        ctx.store.append(uow, [draft], expected_version=0)
        uow.commit()
        view = load_proposal(ctx, uow.session, proposal_id).view()
    # What the authority will check, shown now so the commune can withdraw units in time.
    return {**view, "not_meeting_now": failing_units(cards)}


def get_proposal(ctx: Context, principal: Principal, proposal_id: str) -> dict[str, Any]:
    with ctx.uow(read_only=True) as uow:
        proposal = load_proposal(ctx, uow.session, proposal_id)
        directory = ctx.directory(uow.session)
        allow(principal, READ_UNIT, ctx.unit(directory, proposal.commune_code))
        return proposal.view()


def authority_of(
    ctx: Context,
    principal: Principal,
    directory: UnitDirectory,
    loaded: LoadedSet,
    commune: AdminUnit,
) -> AdminUnit:
    """The certifying authority's unit: the official's own unit, of the set's level, above the
    commune; the official must hold the role the set names."""
    authority = loaded.criteria.certifying_authority
    allow(principal, authority_rule(authority.role), commune)
    own = directory.by_path(principal.admin_unit or "")
    if own is None or own.type != authority.level:
        raise StateConflictError(
            f"{loaded.criteria.id} is decided at {authority.level} level; your unit is "
            f"{own.type if own else 'unknown'}"
        )
    return own


def return_proposal(
    ctx: Context, principal: Principal, proposal_id: str, comments: str
) -> dict[str, Any]:
    with ctx.uow() as uow:
        proposal = load_proposal(ctx, uow.session, proposal_id)
        directory = ctx.directory(uow.session)
        loaded = ctx.criteria_set(proposal.criteria_set["id"], proposal.criteria_set["version"])
        commune = ctx.unit(directory, proposal.commune_code)
        authority_of(ctx, principal, directory, loaded, commune)
        if proposal.status != "proposed":
            raise StateConflictError(
                f"the proposal is {proposal.status}", status_now=proposal.status
            )
        draft = registry.draft(
            RecognitionReturned(comments=comments), stream_id=proposal_id,
            commune_code=proposal.commune_code, unit_path=proposal.unit_path,
            occurred_at=ctx.clock(),
            actor=actor_of(principal, authority_rule(loaded.criteria.certifying_authority.role)),
        )  # fmt: skip
        try:
            ctx.store.append(uow, [draft], expected_version=proposal.version)
        except ConcurrencyConflict:
            raise StateConflictError("the proposal changed meanwhile: reload it") from None
        uow.commit()
        return load_proposal(ctx, uow.session, proposal_id).view()


def scorecards_of(
    ctx: Context,
    session: Session,
    directory: UnitDirectory,
    commune: AdminUnit,
    units: list[AdminUnit],
    loaded: LoadedSet,
    as_of: date,
    rollup: bool,
    folded: Folded | None = None,
) -> list[Scorecard]:
    """The units' scorecards from the commune's facts (`folded`, else leased here: see
    `adapters.factbooks`), as of `as_of`."""
    if folded is None:
        with ctx.facts.lease(session, communes_of(directory, commune.code, rollup), as_of) as f:
            return scorecards_of(ctx, session, directory, commune, units, loaded, as_of, rollup, f)
    try:
        return ctx.engine.scorecards_of_book(
            folded.book, directory, [u.code for u in units], loaded, as_of, rollup=rollup
        )
    except ScorecardError as exc:
        raise InputError(exc.field, exc.message) from None


def communes_below(directory: UnitDirectory, unit: AdminUnit) -> list[AdminUnit]:
    commune = directory.commune_of(unit.code)
    if commune is not None:
        return [commune]
    return [u for u in directory.units.values()
            if u.is_commune_level and u.path.startswith(unit.path + "/")]  # fmt: skip
