"""Scoring: scorecard latency and consume throughput for a commune with N events, the incremental
fact books (`smartcommune.scoring.adapters.factbooks`) against the full fold of the commune's
whole history — what the service did before, and still what `ReplayEvaluator` does.

What the numbers answer: how long `GET /units/{village}/scorecard` takes once a commune has
2k, 10k, 50k events, and how many events per second the consumer absorbs when the commune has a
decision (every consumed event re-evaluates the recognised units in its own transaction).

Both sides run the service's own code in the same process on the same SQLite file, against the
same events (six villages of the demo commune, `village_facts` scaled by households): the
baseline only swaps the fact books for one whose every lease re-reads the inbox and folds it all
(`FullFold`), so the consumer, the scorecard query and the evaluation are the same. The
scorecard is `application.queries.scorecard` as an auditor calls it (authorisation included):

- *first ever*: no cache, no snapshot — a full fold, then the snapshot is written;
- *from snapshot*: a replica restarted (empty cache) — the snapshot, then the events after it;
- *warm*: the book is cached and nothing arrived — only the (empty) delta query;
- *after 1 event*: one event consumed since — the cached book extended by it.

Consumption is timed through the service's `fact_handler`, one event per transaction as the
kit's tracking consumer delivers them, with a recognised village in the commune. Each scorecard
computed incrementally is checked equal to the full fold's before anything is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import delete
from sqlalchemy.orm import Session

from smartcommune.kit.auth import Principal
from smartcommune.kit.events import Actor, EventEnvelope
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.scoring.adapters import inbox
from smartcommune.scoring.adapters.factbooks import FactBooks, Folded
from smartcommune.scoring.adapters.signing import Signature
from smartcommune.scoring.adapters.tables import fact_snapshots
from smartcommune.scoring.application import queries
from smartcommune.scoring.application.context import Context
from smartcommune.scoring.bootstrap import Service, bootstrap, fact_handler, run_migrations
from smartcommune.scoring.domain.engine import frontier
from smartcommune.scoring.domain.events import (
    Authority,
    CriteriaSetRef,
    DecisionUnit,
    RecognitionDecisionIssued,
    registry,
)
from smartcommune.scoring.domain.events import Signer as SignerRecord
from smartcommune.scoring.domain.facts import FactBook
from smartcommune.scoring.domain.scorecard import Scorecard
from smartcommune.scoring.settings import Settings
from smartcommune.scoring.testing import Chains, VillageProfile, village_facts

from .report import Report

SIZES = (2_000, 10_000, 50_000)
COMMUNE, PATH = "08920", "VN-26/song-lo/cao-phong"
VILLAGES = [(f"089200{n}", f"{PATH}/thon-{n}") for n in range(1, 7)]
VILLAGE, SET = "0892001", "vp-smart-village"
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
#: Events consumed on the incremental side per size; the baseline stops after `BASELINE_SECONDS`.
CONSUMED = 300
BASELINE_SECONDS = 20.0
WARM_REPEATS = 30
AUDITOR = Principal(
    subject="bench-auditor", username="auditor", roles=frozenset({"auditor"}),
    admin_unit="VN-26", client_id="bench", is_service=False, token="",
)  # fmt: skip


class FullFold(FactBooks):
    """The baseline: every lease reads the communes' whole history and folds it."""

    @contextmanager
    def lease(self, session: Session, communes: Iterable[str], as_of: date) -> Iterator[Folded]:
        events = inbox.commune_events(session, self.store, communes)
        yield Folded(FactBook.of(events, as_of), frontier(events), incremental=False)


class NoSigner:
    """Nothing is signed here (the decision is written directly)."""

    def certificate_serial(self, token: str, subject: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def sign(
        self, token: str, document: bytes, purpose: str, serial: str
    ) -> Signature:  # pragma: no cover
        raise NotImplementedError


def history(count: int) -> list[EventEnvelope]:
    """The first `count` events of six villages' facts, sealed into their chains (every chain a
    gapless prefix)."""
    households = count // (len(VILLAGES) * 11) + 2
    chains = Chains()
    for code, path in VILLAGES:
        chains.record_all(village_facts(COMMUNE, code, path, VillageProfile(households=households)))
    if len(chains.recorded) < count:
        raise RuntimeError(f"only {len(chains.recorded)} events generated for {count}")
    return chains.recorded[:count]


def ingest(service: Service, events: Sequence[EventEnvelope]) -> None:
    with UnitOfWork(service.engine) as uow:
        for event in events:
            inbox.keep(uow.session, event)
        uow.commit()


def record_decision(ctx: Context) -> None:
    """A decision recognising `VILLAGE` on the commune's chain, so consumption re-evaluates."""
    loaded = ctx.criteria_set(SET)
    payload = RecognitionDecisionIssued(
        decision_number="01/QĐ-BENCH", decided_on=NOW.date(), as_of=NOW.date(),
        commune_code=COMMUNE, proposal_id="proposal-bench",
        authority=Authority(unit_code="08900", unit_path="VN-26/song-lo", level="district",
                            role="district-officer"),
        signer=SignerRecord(subject="bench", username="bench", role="district-officer",
                            certificate_serial="00"),
        units=(DecisionUnit(code=VILLAGE, path=f"{PATH}/thon-1", name="Thôn 1", meets=True,
                            indicators=()),),
        criteria_set=CriteriaSetRef.model_validate(loaded.ref), include_predecessors=False,
        evidence_frontier=(), document_sha256="0" * 64, signed_at=NOW.isoformat(),
        signature_cms_b64="",
    )  # fmt: skip
    draft = registry.draft(
        payload, stream_id="decision-bench", commune_code=COMMUNE, unit_path=PATH,
        occurred_at=NOW, actor=Actor.for_service("scoring"),
    )  # fmt: skip
    with ctx.uow() as uow:
        ctx.store.append(uow, [draft], expected_version=0)
        uow.commit()


def scorecard(ctx: Context) -> tuple[float, Scorecard]:
    start = time.perf_counter()
    card = queries.scorecard(ctx, AUDITOR, VILLAGE, SET, None, NOW.date(), False)
    return time.perf_counter() - start, card


def consume(service: Service, events: Sequence[EventEnvelope], budget: float | None) -> float:
    """Events per second through the consumer's handler, one transaction per event."""
    handle = fact_handler(service.context)
    start, done = time.perf_counter(), 0
    for event in events:
        with UnitOfWork(service.engine) as uow:
            handle(uow, event)
            uow.commit()
        done += 1
        if budget is not None and time.perf_counter() - start > budget:
            break
    return done / (time.perf_counter() - start)


def forget_snapshots(service: Service) -> None:
    service.context.facts.clear()
    with UnitOfWork(service.engine) as uow:
        uow.session.execute(delete(fact_snapshots))
        uow.commit()


def measure(size: int, folder: Path, report: Report) -> None:
    settings = Settings(database_url=f"sqlite:///{folder / f'scoring-{size}.db'}")
    run_migrations(settings)
    service = bootstrap(
        settings, telemetry=setup_telemetry("scoring", set_global=False), signer=NoSigner(),
        clock=lambda: NOW,
    )  # fmt: skip
    ctx = service.context
    incremental = ctx.facts
    baseline = FullFold(service.engine, ctx.store)
    events = history(size + 2 * CONSUMED + 1)
    ingest(service, events[:size])
    record_decision(ctx)
    later = iter(events[size:])

    ctx.fact_books = baseline
    full_seconds, expected = min(scorecard(ctx) for _ in range(2))
    ctx.fact_books = incremental
    forget_snapshots(service)
    first, card = scorecard(ctx)
    assert card == expected, "the incremental scorecard differs from the full fold"
    ctx.facts.clear()
    restart, card = scorecard(ctx)
    assert card == expected
    warm = statistics.median(scorecard(ctx)[0] for _ in range(WARM_REPEATS))
    consume(service, [next(later)], None)
    after_one, card = scorecard(ctx)
    ctx.fact_books = baseline
    full_after, expected = scorecard(ctx)
    assert card == expected
    ms = 1000.0
    for what, full, ours in (
        ("scorecard, first ever (ms)", full_seconds, first),
        ("scorecard, from snapshot (ms)", full_seconds, restart),
        ("scorecard, warm (ms)", full_seconds, warm),
        ("scorecard, after 1 event (ms)", full_after, after_one),
    ):
        report.add(size, what, full * ms, ours * ms, full / ours)

    old_rate = consume(service, [next(later) for _ in range(CONSUMED)], BASELINE_SECONDS)
    ctx.fact_books = incremental
    new_rate = consume(service, [next(later) for _ in range(CONSUMED)], None)
    _, card = scorecard(ctx)
    ctx.fact_books = baseline
    _, expected = scorecard(ctx)
    assert card == expected
    report.add(size, "consume + re-evaluation (events/s)", old_rate, new_rate, new_rate / old_rate)
    service.engine.dispose()


def run(sizes: Sequence[int] = SIZES) -> Report:
    report = Report(
        "Scoring scorecard",
        ["events", "measure", "full fold", "incremental", "speed-up"],
    )
    with TemporaryDirectory(prefix="bench-scoring-") as tmp:
        for size in sizes:
            measure(size, Path(tmp), report)
    report.notes += [
        "SQLite (WAL) file, one process; six villages of commune 08920, a decision recognising "
        f"{VILLAGE} under {SET}; scorecard = application.queries.scorecard for an auditor.",
        "full fold = the commune's whole inbox re-read and folded per scorecard or per consumed "
        "event (the code before); incremental = cached book / snapshot + events past its "
        "frontier. Every incremental scorecard is checked equal to the full fold's.",
        f"consume: one event per transaction through fact_handler; the baseline stops after "
        f"{BASELINE_SECONDS:.0f} s, the incremental side consumes {CONSUMED} events.",
    ]
    return report


if __name__ == "__main__":
    from rich.console import Console

    run().show(Console())
