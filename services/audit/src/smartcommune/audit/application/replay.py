"""`audit replay`: one commune's records → verified chains → judged decisions → one result.

`judge()` is pure (records in, result out) so the unit tests drive it without a broker;
`replay()` plans the partitions on a `KafkaLog`, streams their records into `judge()`.

**Merged communes.** A decision whose scorecard rolled up units merged into the commune names
the predecessors' chains in its evidence frontier, and its re-evaluation needs their events.
So the communes read are the commune itself, those the caller names as merged into it (the CLI:
scoring's unit file), and — read in a second pass, through `judge(..., more=...)` — every other
commune named by the frontier of any decision found on the commune's scoring chain. Their
chains are verified like the commune's own (a tampered predecessor chain is a tampering
finding); only the commune's own decisions are judged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509

from smartcommune.identity.ca.events import NO_COMMUNE

from ..adapters.certificates import CertificateLedger, SignatureVerifier
from ..adapters.kafka_log import KafkaLog, PartitionRange
from ..domain.findings import ChainFinding, ChainSummary, Check, DecisionVerdict
from ..domain.log import ChainKey, LocatedEvent, RawRecord
from ..domain.outcome import ExitCode, worst
from . import chains as chain_ops
from .decisions import (
    DECISION_TYPES,
    check_evaluation,
    check_frontier,
    check_signature,
    new_verdict,
)
from .evaluation import DecisionEvaluator

CERTIFICATE_TYPES = frozenset({"certificate.issued", "certificate.revoked"})


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # chain | certificate | decision | finding
    text: str
    where: str = ""
    ok: bool = True


@dataclass
class AuditResult:
    commune_code: str
    as_of: datetime | None
    chains: list[ChainSummary]
    decisions: list[DecisionVerdict]
    timeline: list[TimelineEntry]
    records: int = 0  # records of the commune (and of identity's no-commune chain) judged
    scanned: int = 0  # offsets passed in the assigned partitions
    partitions: list[PartitionRange] = field(default_factory=list)
    seconds: float = 0.0
    evaluator_note: str = ""
    #: chain → the events verified in it (kept for the HTML report's evidence tables)
    verified_events: dict[ChainKey, list[LocatedEvent]] = field(default_factory=dict)
    #: other communes whose chains were read and verified (merged into the commune, or named
    #: by a decision's evidence frontier)
    related_communes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[ChainFinding]:
        return [c.finding for c in self.chains if c.finding is not None]

    @property
    def exit_code(self) -> ExitCode:
        codes: set[ExitCode] = {ExitCode.TAMPERING} if self.findings else set()
        for decision in self.decisions:
            codes |= decision.codes
        return worst(codes)


def judge(
    records: Iterable[tuple[str, RawRecord]],
    commune: str,
    *,
    roots: list[x509.Certificate],
    crl: x509.CertificateRevocationList | None = None,
    evaluator: DecisionEvaluator | None = None,
    evaluator_unavailable: str = "no evaluator configured",
    as_of: datetime | None = None,
    more: Callable[[frozenset[str]], Iterable[tuple[str, RawRecord]]] | None = None,
) -> AuditResult:
    """Verify the chains of `records` and judge the commune's decisions. `more(communes)` reads
    the records of communes named by the decisions' evidence frontiers but not in `records`
    (every chain of `records` is verified; the commune's and the frontiers' communes' events
    are what a decision is re-evaluated from)."""
    inputs = chain_ops.collect(records)
    named_chains = frontier_chains(inputs, commune)
    named = {key.commune_code for key in named_chains}
    if more is not None:
        missing = {k.commune_code for k in named_chains - inputs.keys()} - {commune}
        if missing:
            for key, extra in chain_ops.collect(more(frozenset(missing))).items():
                inputs.setdefault(key, extra)
    audited = (
        {commune} | named | {key.commune_code for key in inputs if key.commune_code != NO_COMMUNE}
    )
    verified = {key: chain_ops.verify(chain) for key, chain in sorted(inputs.items(), key=_order)}
    ledger = CertificateLedger()
    for chain in verified.values():
        if chain.key.service == "identity":
            for event in chain.events:
                if event.envelope.event_type in CERTIFICATE_TYPES:
                    ledger.learn(event)
    verifier = SignatureVerifier(roots, ledger, crl)
    hashes = {key: chain.hashes for key, chain in verified.items()}
    commune_events = [
        e.envelope for key, c in verified.items() if key.commune_code in audited for e in c.events
    ]
    decisions: list[DecisionVerdict] = []
    for key, chain_input in inputs.items():
        if key.commune_code != commune:
            continue
        trusted = {e.envelope.event_id for e in verified[key].events}
        for event in chain_input.events:
            if event.envelope.event_type not in DECISION_TYPES:
                continue
            if any(d.event_id == event.envelope.event_id for d in decisions):
                continue  # a redelivered copy
            verdict = new_verdict(event)
            decisions.append(verdict)
            if event.envelope.event_id not in trusted:
                verdict.checks.append(
                    Check("decision in the verified chain", False, "after a chain problem")
                )
                continue
            verdict.checks.append(
                Check("decision in the verified chain", True, f"{key} #{event.envelope.chain_seq}")
            )
            verdict.checks.extend(check_frontier(verdict, hashes))
            verdict.checks.extend(check_signature(verdict, event.envelope, verifier))
            verdict.checks.extend(
                check_evaluation(
                    verdict, event.envelope, commune_events, evaluator, evaluator_unavailable
                )
            )
    decisions.sort(key=lambda d: (d.occurred_at, d.position))
    summaries = [chain.summary for chain in verified.values()]
    result = AuditResult(
        commune_code=commune,
        as_of=as_of,
        chains=summaries,
        decisions=decisions,
        timeline=_timeline(summaries, decisions, ledger),
        records=sum(len(c.events) + (c.unreadable is not None) for c in inputs.values()),
        evaluator_note=evaluator_unavailable if evaluator is None else "",
        verified_events={key: chain.events for key, chain in verified.items()},
        related_communes=sorted(
            {key.commune_code for key in inputs} - {commune, NO_COMMUNE} | (named - {commune})
        ),
    )
    return result


def frontier_chains(inputs: Mapping[ChainKey, chain_ops.ChainInput], commune: str) -> set[ChainKey]:
    """Every chain named by the evidence frontier of a decision on the commune's scoring chain
    (read before verification: a forged frontier only makes more chains read and verified;
    the decision itself is judged against the verified log)."""
    found: set[ChainKey] = set()
    chain = inputs.get(ChainKey("scoring", commune))
    for event in chain.events if chain is not None else ():
        if event.envelope.event_type not in DECISION_TYPES:
            continue
        entries = event.envelope.payload.get("evidence_frontier")
        for entry in entries if isinstance(entries, list | tuple) else ():
            if not isinstance(entry, Mapping):
                continue
            service, code = entry.get("service"), entry.get("commune_code")
            if isinstance(service, str) and isinstance(code, str) and service and code:
                found.add(ChainKey(service, code))
    return found


def _order(item: tuple[ChainKey, object]) -> tuple[str, str]:
    return (item[0].commune_code, item[0].service)


def _timeline(
    chains: list[ChainSummary], decisions: list[DecisionVerdict], ledger: CertificateLedger
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for chain in chains:
        if chain.first_recorded is not None:
            entries.append(
                TimelineEntry(chain.first_recorded, "chain", f"{chain.chain}: first event")
            )
        if chain.last_recorded is not None:
            text = f"{chain.chain}: last verified event #{chain.last_seq} ({chain.verified} events)"
            entries.append(TimelineEntry(chain.last_recorded, "chain", text))
        if chain.finding is not None:
            at = chain.last_recorded or datetime.min.replace(tzinfo=UTC)
            entries.append(
                TimelineEntry(
                    at, "finding", chain.finding.describe(), str(chain.finding.position), ok=False
                )
            )
    signers = {str(d.signer.get("serial")) for d in decisions if d.signer.get("serial")}
    for serial in sorted(signers):
        facts = ledger.by_serial.get(serial)
        if facts is None:
            continue
        entries.append(
            TimelineEntry(
                facts.not_before,
                "certificate",
                f"certificate {serial} issued to {facts.holder} ({facts.role})",
                str(facts.issued_at),
            )
        )
        if facts.revoked_at is not None:
            entries.append(
                TimelineEntry(
                    facts.revoked_at,
                    "certificate",
                    f"certificate {serial} revoked ({facts.revocation_reason})",
                    str(facts.revoked_event),
                    ok=False,
                )
            )
    for decision in decisions:
        failure = decision.first_failure()
        verdict = "verified" if failure is None else f"FAILED: {failure.name}: {failure.detail}"
        entries.append(
            TimelineEntry(
                decision.occurred_at,
                "decision",
                f"{decision.event_type} {decision.decision_number}: {verdict}",
                str(decision.position),
                ok=failure is None,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def keys_for(commune: str, *others: str, certificates: bool = True) -> Callable[[str], list[str]]:
    """The communes' chains on every topic, plus (with `certificates`) identity's no-commune
    chain (CA certificates)."""
    communes = [commune, *sorted(set(others) - {commune})]

    def keys(service: str) -> list[str]:
        if certificates and service == "identity" and NO_COMMUNE not in communes:
            return [*communes, NO_COMMUNE]
        return communes

    return keys


@dataclass
class Progress:
    """Callbacks the CLI's progress bar hangs on (no-ops by default)."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[int], None] = lambda n: None
    finish: Callable[[], None] = lambda: None


def replay(
    log: KafkaLog,
    commune: str,
    *,
    roots: list[x509.Certificate],
    crl: x509.CertificateRevocationList | None = None,
    evaluator: DecisionEvaluator | None = None,
    evaluator_unavailable: str = "no evaluator configured",
    as_of: datetime | None = None,
    progress: Progress | None = None,
    merged: Iterable[str] = (),
) -> AuditResult:
    """Read the commune's partitions of every event topic (and those of the communes `merged`
    into it, and of any other commune a decision's evidence frontier names) and judge them
    (see `judge`)."""
    progress = progress or Progress()
    started = time.perf_counter()
    ranges = log.plan(keys_for(commune, *merged), as_of=as_of)
    services = {r.topic: r.service for r in ranges}
    progress.start(sum(r.size for r in ranges))
    scanned = 0
    read_more: list[PartitionRange] = []

    def advance(n: int) -> None:
        nonlocal scanned
        scanned += n
        progress.advance(n)

    def records() -> Iterator[tuple[str, RawRecord]]:
        for record in log.read(ranges, on_progress=advance):
            yield services[record.position.topic], record

    def more(communes: frozenset[str]) -> Iterator[tuple[str, RawRecord]]:
        first, *others = sorted(communes)
        extra = log.plan(keys_for(first, *others, certificates=False), as_of=as_of)
        read_more.extend(extra)
        services.update({r.topic: r.service for r in extra})
        progress.start(sum(r.size for r in (*ranges, *read_more)))
        for record in log.read(extra, on_progress=advance):
            yield services[record.position.topic], record

    result = judge(
        records(),
        commune,
        roots=roots,
        crl=crl,
        evaluator=evaluator,
        evaluator_unavailable=evaluator_unavailable,
        as_of=as_of,
        more=more,
    )
    progress.finish()
    result.partitions, result.scanned = [*ranges, *read_more], scanned
    result.seconds = time.perf_counter() - started
    return result
