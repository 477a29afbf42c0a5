"""Decisions and revocations: refused while a unit fails its set (naming the units and
indicators), otherwise signed through identity's `Signing` with the approving official's own
token and certificate, and recorded with the evidence frontier; the documents; the listing."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartcommune.kit.auth import Principal
from smartcommune.kit.events import EventEnvelope, canonical_bytes
from smartcommune.kit.store import ConcurrencyConflict
from smartcommune.kit.store.tables import events as event_rows

from ..adapters import document
from ..adapters.signing import SigningError
from ..domain.criteria import LoadedSet
from ..domain.events import (
    SIGNATURE_FIELDS,
    RecognitionDecisionIssued,
    RecognitionRevocationIssued,
    registry,
)
from ..domain.scorecard import Scorecard
from ..domain.units import AdminUnit
from .context import Context, actor_of, allow
from .errors import (
    AlreadyExistsError,
    CriteriaUnmetError,
    NotFoundError,
    SigningRefusedError,
    SigningUnavailableError,
    StateConflictError,
)
from .recognition import (
    DECISION,
    PURPOSES,
    REVOCATION,
    authority_of,
    communes_below,
    communes_of,
    decision_id,
    failing_units,
    load_proposal,
    revocation_id,
    scorecards_of,
)
from .rules import READ_UNIT, authority_rule


def _decision_number(session: Session, commune: str, given: str | None) -> str:
    if given:
        return given
    count = session.scalar(
        select(func.count()).where(
            event_rows.c.service == "scoring",
            event_rows.c.commune_code == commune,
            event_rows.c.event_type.in_([DECISION, REVOCATION]),
        )
    )
    return f"{(count or 0) + 1}/QĐ-UBND-{commune}"


def _sign_and_build(
    ctx: Context,
    principal: Principal,
    kind: str,
    content: dict[str, Any],
    loaded: LoadedSet,
) -> dict[str, Any]:
    """Complete the content with the document hash, sign its canonical JSON with the official's
    own certificate (token forwarded), and return the full payload."""
    title = loaded.criteria.title.vi
    content = {**content, "document_sha256": document.document_sha256(kind, content, title)}
    try:
        signature = ctx.signer.sign(
            principal.token, canonical_bytes(content), PURPOSES[kind],
            content["signer"]["certificate_serial"],
        )  # fmt: skip
    except SigningError as exc:
        raise _signing_problem(exc) from None
    return {
        **content,
        "signed_at": signature.signed_at.isoformat(),
        "signature_cms_b64": base64.b64encode(signature.cms_der).decode("ascii"),
    }


def _signing_problem(exc: SigningError) -> Exception:
    return SigningRefusedError(exc.reason) if exc.refused else SigningUnavailableError(exc.reason)


def signed_content(payload: dict[str, Any]) -> bytes:
    """The bytes the detached signature is over: the payload without the signature fields."""
    return canonical_bytes({k: v for k, v in payload.items() if k not in SIGNATURE_FIELDS})


def _signer(ctx: Context, principal: Principal, role: str) -> dict[str, str]:
    try:
        serial = ctx.signer.certificate_serial(principal.token, principal.subject)
    except SigningError as exc:
        raise _signing_problem(exc) from None
    return {"subject": principal.subject, "username": principal.username or "",
            "role": role, "certificate_serial": serial}  # fmt: skip


def _units_part(cards: list[Scorecard]) -> list[dict[str, Any]]:
    return [
        {
            "code": c.unit_code,
            "path": c.unit_path,
            "name": c.unit_name,
            "meets": c.meets,
            "indicators": [
                {
                    "indicator_id": i.indicator_id,
                    "numerator": i.numerator,
                    "denominator": i.denominator,
                    "threshold": i.threshold,
                    "threshold_basis": i.threshold_basis,
                    "met": i.met,
                    "mandatory": i.mandatory,
                }
                for i in c.indicators
            ],
        }
        for c in cards
    ]


def issue_decision(
    ctx: Context,
    principal: Principal,
    proposal_id: str,
    decision_number: str | None,
) -> dict[str, Any]:
    with ctx.uow() as uow:
        session = uow.session
        proposal = load_proposal(ctx, session, proposal_id)
        directory = ctx.directory(session)
        ref = proposal.criteria_set
        loaded = ctx.criteria_set_in_force(ref["id"], ref["version"])
        commune = ctx.unit(directory, proposal.commune_code)
        own = authority_of(ctx, principal, directory, loaded, commune)
        if proposal.status != "proposed":
            raise StateConflictError(
                f"the proposal is {proposal.status}", status_now=proposal.status
            )
        if loaded.sha256 != ref["sha256"]:
            raise StateConflictError(
                f"criteria set {ref['id']} v{ref['version']} changed since the proposal"
            )
        units = [ctx.unit(directory, code) for code in proposal.unit_codes]
        rollup = proposal.include_predecessors
        today = ctx.today()
        with ctx.facts.lease(session, communes_of(directory, commune.code, rollup), today) as f:
            cards = scorecards_of(ctx, session, directory, commune, units, loaded, today, rollup, f)
            evidence_frontier = [h.__dict__ for h in f.frontier]
        failing = failing_units(cards)
        if failing:
            names = ", ".join(f"{f['unit_name']} ({f['unit_code']}): "
                              + (", ".join(i["indicator_id"] for i in f["failing_mandatory"])
                                 or "too few other indicators met") for f in failing)  # fmt: skip
            raise CriteriaUnmetError(f"not every unit meets {ref['id']}: {names}", failing=failing)
        role = loaded.criteria.certifying_authority.role
        content = {
            "decision_number": _decision_number(session, commune.code, decision_number),
            "decided_on": today.isoformat(), "as_of": today.isoformat(),
            "commune_code": commune.code, "proposal_id": proposal_id,
            "authority": {"unit_code": own.code, "unit_path": own.path,
                          "level": loaded.criteria.certifying_authority.level, "role": role},
            "signer": _signer(ctx, principal, role),
            "units": _units_part(cards), "criteria_set": loaded.ref,
            "include_predecessors": rollup,
            "evidence_frontier": evidence_frontier,
        }  # fmt: skip
        payload = _sign_and_build(ctx, principal, DECISION, content, loaded)
        draft = registry.draft(
            RecognitionDecisionIssued.model_validate(payload),
            stream_id=decision_id(proposal_id), commune_code=commune.code,
            unit_path=commune.path, occurred_at=ctx.clock(),
            actor=actor_of(principal, authority_rule(role)),
        )  # fmt: skip
        try:
            (event,) = ctx.store.append(uow, [draft], expected_version=0)
        except ConcurrencyConflict:
            raise AlreadyExistsError("the proposal was decided meanwhile") from None
        uow.commit()
    return decision_view(event)


def revoke(
    ctx: Context,
    principal: Principal,
    decision: str,
    reason: str,
    decision_number: str | None,
) -> dict[str, Any]:
    with ctx.uow() as uow:
        session = uow.session
        original = _decision_event(ctx, session, decision)
        directory = ctx.directory(session)
        ref = original.payload["criteria_set"]
        loaded = ctx.criteria_set(ref["id"], ref["version"])
        commune = ctx.unit(directory, original.commune_code)
        own = authority_of(ctx, principal, directory, loaded, commune)
        rollup = bool(original.payload["include_predecessors"])
        units = [ctx.unit(directory, u["code"]) for u in original.payload["units"]]
        today = ctx.today()
        with ctx.facts.lease(session, communes_of(directory, commune.code, rollup), today) as f:
            cards = scorecards_of(ctx, session, directory, commune, units, loaded, today, rollup, f)
            evidence_frontier = [h.__dict__ for h in f.frontier]
        role = loaded.criteria.certifying_authority.role
        content = {
            "decision_number": _decision_number(session, commune.code, decision_number),
            "decided_on": today.isoformat(), "as_of": today.isoformat(),
            "commune_code": commune.code, "revokes_decision_id": decision,
            "revokes_decision_number": original.payload["decision_number"], "reason": reason,
            "authority": {"unit_code": own.code, "unit_path": own.path,
                          "level": loaded.criteria.certifying_authority.level, "role": role},
            "signer": _signer(ctx, principal, role),
            "units": _units_part(cards), "criteria_set": dict(ref),
            "include_predecessors": rollup,
            "evidence_frontier": evidence_frontier,
        }  # fmt: skip
        payload = _sign_and_build(ctx, principal, REVOCATION, content, loaded)
        draft = registry.draft(
            RecognitionRevocationIssued.model_validate(payload),
            stream_id=revocation_id(decision), commune_code=commune.code,
            unit_path=commune.path, occurred_at=ctx.clock(),
            actor=actor_of(principal, authority_rule(role)),
        )  # fmt: skip
        try:
            (event,) = ctx.store.append(uow, [draft], expected_version=0)
        except ConcurrencyConflict:
            raise AlreadyExistsError(f"decision {decision} is revoked already") from None
        uow.commit()
    return decision_view(event)


def _decision_event(ctx: Context, session: Session, decision: str) -> EventEnvelope:
    events = ctx.store.load_stream(session, decision) if decision.startswith(
        ("decision-", "revocation-")
    ) else []  # fmt: skip
    if not events:
        raise NotFoundError(f"no decision {decision}")
    return events[0]


def decision_view(event: EventEnvelope) -> dict[str, Any]:
    return {
        "decision_id": event.stream_id, "event_id": event.event_id,
        "event_type": event.event_type, "commune_code": event.commune_code,
        "chain_seq": event.chain_seq, "hash": event.hash,
        "payload": event.model_dump(mode="json")["payload"],
    }  # fmt: skip


def get_decision(ctx: Context, principal: Principal, decision: str) -> tuple[EventEnvelope, str]:
    """The recorded decision event and the title of its criteria set (for rendering)."""
    with ctx.uow(read_only=True) as uow:
        event = _decision_event(ctx, uow.session, decision)
        directory = ctx.directory(uow.session)
        allow(principal, READ_UNIT, ctx.unit(directory, event.commune_code))
    ref = event.payload["criteria_set"]
    loaded = ctx.criteria.get(ref["id"], ref["version"])
    return event, loaded.criteria.title.vi if loaded else ref["id"]


def recognitions(ctx: Context, principal: Principal, unit_code: str) -> list[dict[str, Any]]:
    """Decisions, revocations and review flags naming the unit (or units below it)."""
    with ctx.uow(read_only=True) as uow:
        directory = ctx.directory(uow.session)
        unit = ctx.unit(directory, unit_code)
        allow(principal, READ_UNIT, unit)
        communes = [c.code for c in communes_below(directory, unit)]
        out: list[dict[str, Any]] = []
        for code in communes:
            out.extend(_recognitions_of(ctx.store.read_chain(uow.session, "scoring", code), unit))
        return out


def _recognitions_of(chain: list[EventEnvelope], unit: AdminUnit) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for event in chain:
        payload = event.payload
        if event.event_type == DECISION:
            for u in payload["units"]:
                if u["path"] == unit.path or u["path"].startswith(unit.path + "/"):
                    rows[(event.stream_id, u["code"])] = {
                        "unit_code": u["code"], "decision_id": event.stream_id,
                        "decision_number": payload["decision_number"],
                        "decided_on": payload["decided_on"],
                        "criteria_set": dict(payload["criteria_set"]),
                        "revoked_by": None, "review_flagged": None,
                    }  # fmt: skip
        elif event.event_type == REVOCATION:
            for u in payload["units"]:
                row = rows.get((payload["revokes_decision_id"], u["code"]))
                if row is not None:
                    row["revoked_by"] = payload["decision_number"]
        elif event.event_type == "recognition.review_flagged":
            row = rows.get((payload["decision_id"], payload["unit_code"]))
            if row is not None:
                row["review_flagged"] = {"as_of": payload["as_of"],
                                         "failing": list(payload["failing"])}  # fmt: skip
    return list(rows.values())
