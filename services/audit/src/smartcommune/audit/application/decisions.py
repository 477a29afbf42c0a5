"""Judging one recognition or revocation decision found in the scoring chain.

In order: the decision event must sit in the verified part of its chain; its evidence frontier
must be in the verified log (same chain position, same hash); its detached CMS signature must
hold over the canonical content and come from a certificate that chains to the configured
root, was issued by the platform CA and was unrevoked at signing time; and scoring's evaluator,
given the verified events, must reproduce the criteria set's hash and every recorded value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from smartcommune.kit.events import EventEnvelope, canonical_bytes
from smartcommune.kit.events.fields import thaw

from ..adapters.certificates import SignatureVerifier
from ..domain.findings import Check, DecisionVerdict
from ..domain.log import ChainKey, LocatedEvent
from ..domain.outcome import ExitCode
from .evaluation import DecisionEvaluator, as_comparisons

DECISION_TYPES = frozenset({"recognition.decision_issued", "recognition.revocation_issued"})


def _signature_fields() -> frozenset[str]:
    """Scoring's own list of the payload fields outside the signed content, when installed."""
    try:
        from smartcommune.scoring.domain.events import SIGNATURE_FIELDS as SCORING_FIELDS
    except ImportError:
        return frozenset({"signature_cms_b64", "signed_at"})
    return frozenset(SCORING_FIELDS)


#: Left out of the signed document (the contract: "without the signature fields").
SIGNATURE_FIELDS = _signature_fields()


def signed_document(payload: Mapping[str, Any]) -> bytes:
    """The canonical JSON of the decision content without the signature fields."""
    return canonical_bytes({k: v for k, v in payload.items() if k not in SIGNATURE_FIELDS})


def new_verdict(event: LocatedEvent) -> DecisionVerdict:
    payload = thaw(event.envelope.payload)
    return DecisionVerdict(
        decision_number=str(payload.get("decision_number", "?")),
        event_type=event.envelope.event_type,
        event_id=event.envelope.event_id,
        position=event.position,
        decided_on=str(payload.get("decided_on", "")),
        occurred_at=event.envelope.occurred_at,
        payload=payload,
    )


def check_frontier(
    verdict: DecisionVerdict, verified: Mapping[ChainKey, dict[int, str]]
) -> list[Check]:
    entries = verdict.payload.get("evidence_frontier")
    if not isinstance(entries, list) or not entries:
        return [Check("evidence frontier", False, "the decision records no evidence frontier")]
    problems: list[Check] = []
    for entry in entries:
        if not isinstance(entry, dict):
            problems.append(Check("evidence frontier", False, f"malformed entry {entry!r}"))
            continue
        key = ChainKey(str(entry.get("service")), str(entry.get("commune_code")))
        seq, digest = entry.get("chain_seq"), entry.get("hash")
        hashes = verified.get(key)
        if not isinstance(seq, int) or seq < 0:
            problems.append(Check("evidence frontier", False, f"{key}: bad chain_seq {seq!r}"))
        elif seq == 0:
            continue  # an empty chain: nothing to find
        elif hashes is None:
            problems.append(
                Check(
                    "evidence frontier",
                    False,
                    f"{key}: chain not in the replayed partitions",
                    ExitCode.INCOMPLETE,
                )
            )
        elif seq not in hashes:
            last = max(hashes, default=0)
            problems.append(
                Check(
                    "evidence frontier",
                    False,
                    f"{key}: #{seq} is not in the verified log (verified up to #{last})",
                )
            )
        elif hashes[seq] != digest:
            problems.append(
                Check("evidence frontier", False, f"{key}: #{seq} has another hash in the log")
            )
    if problems:
        return problems
    covered = ", ".join(f"{e.get('service')}/{e.get('commune_code')}#{e.get('chain_seq')}"
                        for e in entries)  # fmt: skip
    return [Check("evidence frontier", True, f"in the verified log: {covered}")]


def check_signature(
    verdict: DecisionVerdict, envelope: EventEnvelope, verifier: SignatureVerifier
) -> list[Check]:
    payload = verdict.payload
    signature = payload.get("signature_cms_b64")
    if not isinstance(signature, str) or not signature:
        return [Check("CMS signature", False, "the decision is not signed", ExitCode.SIGNATURE)]
    document = signed_document(payload)
    checks: list[Check] = []
    signer = payload.get("signer")
    claimed = signer.get("certificate_serial") if isinstance(signer, dict) else None
    report = verifier.verify(
        document,
        signature,
        claimed_serial=str(claimed) if claimed is not None else None,
        recorded_at=envelope.recorded_at,
    )
    verdict.signer = report.signer
    return checks + report.checks


def check_evaluation(
    verdict: DecisionVerdict,
    envelope: EventEnvelope,
    events: Sequence[EventEnvelope],
    evaluator: DecisionEvaluator | None,
    unavailable: str,
) -> list[Check]:
    if evaluator is None:
        return [Check("re-evaluation", False, unavailable, ExitCode.INCOMPLETE)]
    try:
        result = evaluator.check(events, envelope)
    except Exception as exc:  # the evaluator's failure must not hide the other verdicts
        return [Check("re-evaluation", False, f"evaluator failed: {exc!r}", ExitCode.INCOMPLETE)]
    verdict.comparisons = as_comparisons(result)
    checks = [
        Check(
            "criteria set hash",
            bool(result.criteria_set_ok),
            "matches the repository's criteria set"
            if result.criteria_set_ok
            else "the criteria set named by the decision does not match the repository's hash",
            ExitCode.DIVERGENCE,
        )
    ]
    differing = [c for c in verdict.comparisons if not c.agrees]
    problems = [str(p) for p in getattr(result, "problems", ()) or ()]
    if problems:
        checks.append(
            Check("evaluator's evidence", False, "; ".join(problems), ExitCode.DIVERGENCE)
        )
    if result.agrees and not differing:
        detail = f"{len(verdict.comparisons)} values recomputed, all equal"
        checks.append(Check("re-evaluation", True, detail, ExitCode.DIVERGENCE))
    else:
        first = differing[0] if differing else None
        detail = (
            f"{len(differing)} of {len(verdict.comparisons)} values differ; first: "
            f"{first.unit_code} {first.indicator_id}: recorded {first.recorded!r}, "
            f"recomputed {first.recomputed!r}"
            if first
            else "the evaluator reports disagreement"
        )
        checks.append(Check("re-evaluation", False, detail, ExitCode.DIVERGENCE))
    return checks
