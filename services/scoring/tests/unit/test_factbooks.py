"""Incremental fact books (`adapters.factbooks`): extending a commune's book with the events that
follow its frontier gives exactly the full fold — every fact, metric, evidence and scorecard —
for random event streams arriving in random order and cut at random points; the service's
cache, snapshots, as-of fallback and rollbacks keep to that."""

from __future__ import annotations

import dataclasses
import pickle
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.adapters.factbooks import FactBooks, Kept
from smartcommune.scoring.adapters.inbox import commune_events
from smartcommune.scoring.adapters.tables import fact_snapshots
from smartcommune.scoring.application import reevaluation
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.domain.criteria import CriteriaCatalogue
from smartcommune.scoring.domain.engine import Engine, contiguous, frontier
from smartcommune.scoring.domain.facts import FactBook
from smartcommune.scoring.domain.metrics import CATALOGUE
from smartcommune.scoring.domain.scorecard import scope_for
from smartcommune.scoring.domain.units import UnitDirectory
from smartcommune.scoring.testing import Chains, Fact, VillageProfile, stable_id, village_facts

COMMUNE, PATH = "08920", "VN-26/song-lo/cao-phong"
VILLAGES = [f"089200{n}" for n in range(1, 5)]
LAST_DAY = date(2026, 10, 31)


@pytest.fixture(scope="module")
def criteria() -> CriteriaCatalogue:
    return CriteriaCatalogue.load()


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.load()


def history(
    rng: random.Random, *, own_chain: bool = True, commune: str = COMMUNE
) -> list[EventEnvelope]:
    """Villages' facts, then random changes of every kind (erasures, closures, re-surveys,
    dissolutions, unreadable payloads, decisions and revocations ...) on days spread over two
    months: one commune, every service's chain."""
    facts: list[Fact] = []
    for n, village in enumerate(VILLAGES, start=1):
        profile = VillageProfile(
            households=rng.randint(2, 6), with_epayment=rng.choice([None, 3]),
            free_wifi=rng.random() < 0.7, cameras=rng.randint(0, 3), fibre=rng.random() < 0.8,
        )  # fmt: skip
        day = date(2026, 9, 1) + timedelta(days=rng.randint(0, 20))
        facts += village_facts(commune, village, f"{PATH}/thon-{n}", profile, day=day)
    by_type: dict[str, list[Fact]] = {}
    for fact in facts:
        by_type.setdefault(fact.event_type, []).append(fact)

    def at() -> datetime:
        day = date(2026, 9, 15) + timedelta(
            days=rng.randint(0, (LAST_DAY - date(2026, 9, 15)).days)
        )
        return datetime.combine(day, time(rng.randint(0, 23)), tzinfo=UTC)

    def change(service: str, kind: str, stream: str, payload: dict[str, Any], path: str) -> None:
        facts.append(Fact(service, kind, stream, payload, commune, path, at()))

    def decide(*, revoke: bool) -> None:
        stream = stable_id("decision", rng.random())
        units = [{"code": v} for v in rng.sample(VILLAGES, 2)]
        change("scoring", "recognition.decision_issued", stream,
               {"decision_number": stream[-6:], "criteria_set": {"id": "vp-smart-village"},
                "units": units}, PATH)  # fmt: skip
        if revoke:
            change("scoring", "recognition.revocation_issued", stable_id("rev", stream),
                   {"revokes_decision_id": stream, "units": units[:1]}, PATH)  # fmt: skip

    for _ in range(rng.randint(20, 40)):
        kind = rng.choice([
            "erase", "vneid", "close", "qr", "pay", "left", "dissolve", "survey", "facility",
            "training", "resolve", "unreadable", "decision",
        ])  # fmt: skip
        if kind == "erase":
            r = rng.choice(by_type["resident.registered"])
            change("identity", "resident.erased", r.stream_id, {}, r.unit_path)
        elif kind == "vneid":
            r = rng.choice(by_type["resident.registered"])
            level = rng.choice(["level_1", "level_2"])
            change("identity", "vneid.level_changed", r.stream_id,
                   {"level": level, "previous_level": "level_2", "changed_on": "2026-10-01"},
                   r.unit_path)  # fmt: skip
        elif kind == "close":
            a = rng.choice(by_type["payment_account.opened"])
            change("payments", "payment_account.closed", a.stream_id,
                   {"closed_on": "2026-10-02"}, a.unit_path)  # fmt: skip
        elif kind == "qr":
            m = rng.choice(by_type["merchant.registered"])
            qr = {"accepts_qr": rng.random() < 0.5, "changed_on": "2026-10-03"}
            change("payments", "merchant.qr_acceptance_changed", m.stream_id, qr, m.unit_path)
        elif kind == "pay":
            h = rng.choice(by_type["household.registered"])
            change("payments", "cashless_payment.recorded", stable_id("pay", rng.random()),
                   {"purpose": rng.choice(["water", "market_purchase"]), "channel": "qr",
                    "amount_vnd": 1000, "household_id": h.stream_id,
                    "village_code": h.payload["village_code"], "paid_on": "2026-10-04"},
                   h.unit_path)  # fmt: skip
        elif kind in ("left", "dissolve"):
            t = rng.choice(by_type["team.member_joined"])
            if kind == "left":
                left = {"member_id": t.payload["member_id"], "left_on": "2026-10-05"}
                change("techteams", "team.member_left", t.stream_id, left, t.unit_path)
            else:
                change("techteams", "team.dissolved", t.stream_id,
                       {"dissolved_on": "2026-10-06"}, t.unit_path)  # fmt: skip
        elif kind == "survey":
            s = rng.choice(by_type["household.surveyed"])
            payload = {**s.payload, "has_fibre": rng.random() < 0.5, "has_4g": False,
                       "smartphones": rng.randint(0, 4)}  # fmt: skip
            change("techteams", "household.surveyed", s.stream_id, payload, s.unit_path)
        elif kind == "facility":
            f = rng.choice(by_type["facility.attested"])
            payload = {**f.payload, "present": rng.random() < 0.5, "count": rng.randint(0, 5)}
            change("techteams", "facility.attested", f.stream_id, payload, f.unit_path)
        elif kind == "training":
            some = rng.sample(by_type["resident.registered"], 3)
            held = {"village_code": some[0].payload["village_code"], "held_on": "2026-10-07",
                    "topic": "t", "attendee_ids": [x.stream_id for x in some]}  # fmt: skip
            trained = stable_id("t", rng.random())
            change("techteams", "training.held", trained, held, some[0].unit_path)
        elif kind == "resolve":
            d = rng.choice(by_type["dossier.resolved"])
            payload = {**d.payload, "on_time": rng.random() < 0.5,
                       "channel": rng.choice(["full_online", "direct"])}  # fmt: skip
            change("dossiers", "dossier.resolved", d.stream_id, payload, d.unit_path)
        elif kind == "unreadable":
            f = rng.choice(by_type["facility.attested"])
            payload = {k: v for k, v in f.payload.items() if k != "present"}
            change("techteams", "facility.attested", f.stream_id, payload, f.unit_path)
        elif own_chain:
            decide(revoke=rng.random() < 0.5)
    if own_chain:
        decide(revoke=True)
    return Chains().record_all(facts)


def shuffled(rng: random.Random, events: list[EventEnvelope]) -> list[EventEnvelope]:
    """An arrival order: chains interleaved at random, and within a chain mostly in order with
    some events early (a gap waits until it is filled)."""
    keyed = [(i + rng.gauss(0, 15), e) for i, e in enumerate(events)]
    return [e for _, e in sorted(keyed, key=lambda pair: pair[0])]


def comparable(book: FactBook) -> FactBook:
    """`unreadable` is a list in arrival order of the folds: compare it as a set of positions."""
    return dataclasses.replace(book, unreadable=sorted(book.unreadable))


def assert_same_answers(
    units: UnitDirectory,
    criteria: CriteriaCatalogue,
    incremental: FactBook,
    full: FactBook,
    as_of: date,
) -> None:
    """Every catalogue metric (value and evidence) of the commune and each village, and every
    criteria set's scorecard that applies, are equal."""
    for code in [COMMUNE, *VILLAGES]:
        base = scope_for(units, code, as_of)
        for window in (None, 30):
            scope = dataclasses.replace(base, window_days=window, criteria_set="vp-smart-village")
            for metric in CATALOGUE.values():
                if metric.id != "criteria_set.met":
                    assert metric.fn(incremental, scope) == metric.fn(full, scope), (
                        code,
                        metric.id,
                    )
    engine = Engine(units, criteria)
    for loaded in criteria.all():
        codes = VILLAGES if loaded.criteria.level == "village" else [COMMUNE]
        mine = engine.scorecards_of_book(incremental, units, codes, loaded, as_of)
        assert mine == engine.scorecards_of_book(full, units, codes, loaded, as_of)


@pytest.mark.parametrize("seed", range(8))
def test_extending_a_book_at_random_cut_points_equals_the_full_fold(
    seed: int, units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    rng = random.Random(seed)
    arrival = shuffled(rng, history(rng))
    cuts = [*sorted(rng.sample(range(1, len(arrival)), 7)), len(arrival)]
    kept = Kept(COMMUNE, (COMMUNE,))
    for cut in cuts:
        arrived = arrival[:cut]
        kept.add(contiguous(arrived, kept.heads))  # what the service reads past its frontier
        events = contiguous(arrived)
        full = FactBook.of(events)
        assert comparable(kept.book) == comparable(full)
        assert kept.frontier() == frontier(events)
        assert kept.events == len(events)
        for as_of in (kept.last_day or LAST_DAY, LAST_DAY + timedelta(days=rng.randint(0, 400))):
            assert_same_answers(units, criteria, kept.book, FactBook.of(events, as_of), as_of)
    assert kept.book.unreadable  # the streams do exercise it
    assert any(r.revoked for r in kept.book.recognitions.values())


def consume_in_batches(
    service: Service, rng: random.Random, events: Sequence[EventEnvelope]
) -> None:
    ctx, start = service.context, 0
    while start < len(events):
        batch = events[start : start + rng.randint(1, 12)]
        with UnitOfWork(service.engine) as uow:
            reevaluation.consume(ctx, uow.session, batch)
            uow.commit()
        start += len(batch)


def full_fold(
    service: Service, as_of: date | None = None, communes: Sequence[str] = (COMMUNE,)
) -> tuple[FactBook, list[Any]]:
    with UnitOfWork(service.engine, read_only=True) as uow:
        events = commune_events(uow.session, service.context.store, communes)
    return FactBook.of(events, as_of), frontier(events)


def leased(
    service: Service, as_of: date, communes: Sequence[str] = (COMMUNE,)
) -> tuple[FactBook, list[Any], bool]:
    facts = service.context.facts
    with (
        UnitOfWork(service.engine, read_only=True) as uow,
        facts.lease(uow.session, communes, as_of) as folded,
    ):
        return folded.book, folded.frontier, folded.incremental


@pytest.mark.parametrize("seed", range(3))
def test_the_service_keeps_books_incrementally_through_cache_and_snapshots(
    seed: int, service: Service, units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    rng = random.Random(100 + seed)
    ctx = service.context
    ctx.fact_books = FactBooks(service.engine, ctx.store, snapshot_every=25)
    arrival = shuffled(rng, history(rng, own_chain=False))
    cuts = [*sorted(rng.sample(range(1, len(arrival)), 6)), len(arrival)]
    done = fell_back = 0
    for n, cut in enumerate(cuts):
        consume_in_batches(service, rng, arrival[done:cut])
        done = cut
        if n % 2:
            ctx.facts.clear()  # a restarted replica: the persisted snapshot, then the rest
        book, heads, incremental = leased(service, LAST_DAY)
        full, full_heads = full_fold(service, LAST_DAY)
        assert incremental
        assert heads == full_heads
        assert comparable(book) == comparable(full)
        assert_same_answers(units, criteria, book, full, LAST_DAY)
        # as of a day before facts the book holds: a full fold as of that day, not the book
        early = date(2026, 9, 20)
        book, heads, incremental = leased(service, early)
        full, full_heads = full_fold(service, early)
        fell_back += not incremental
        assert heads == full_heads
        assert comparable(book) == comparable(full)
    assert fell_back
    with UnitOfWork(service.engine, read_only=True) as uow:
        row = uow.session.execute(fact_snapshots.select()).one()
    assert 0 < row.event_count <= len(arrival)


def test_a_book_extended_in_a_rolled_back_transaction_is_dropped(service: Service) -> None:
    rng = random.Random(7)
    events = contiguous(history(rng, own_chain=False))
    last = events[-1]
    kept = [e for e in events if e is not last]
    consume_in_batches(service, rng, kept)
    ctx = service.context
    with UnitOfWork(service.engine) as uow:
        reevaluation.consume(ctx, uow.session, [last])
        with ctx.facts.lease(uow.session, [COMMUNE], LAST_DAY) as folded:
            # the transaction's own, uncommitted event is in the book it sees
            assert (last.service, last.commune_code, last.chain_seq, last.hash) in {
                (h.service, h.commune_code, h.chain_seq, h.hash) for h in folded.frontier
            }
        uow.rollback()
    book, heads, _ = leased(service, LAST_DAY)
    full, full_heads = full_fold(service, LAST_DAY)
    assert heads == full_heads
    assert comparable(book) == comparable(full)
    assert (last.service, last.commune_code) not in book.seen or (
        last.chain_seq not in book.seen[(last.service, last.commune_code)]
    )


def test_a_snapshot_of_another_fold_version_is_ignored(service: Service) -> None:
    rng = random.Random(11)
    ctx = service.context
    ctx.fact_books = FactBooks(service.engine, ctx.store, snapshot_every=1)
    consume_in_batches(service, rng, contiguous(history(rng, own_chain=False)))
    leased(service, LAST_DAY)  # writes the snapshot
    with UnitOfWork(service.engine) as uow:
        uow.session.execute(
            update(fact_snapshots).values(fold_version="0:stale", state=b"not a book")
        )
        uow.commit()
    ctx.facts.clear()
    book, heads, _ = leased(service, LAST_DAY)
    full, full_heads = full_fold(service, LAST_DAY)
    assert heads == full_heads
    assert comparable(book) == comparable(full)


def test_consuming_a_batch_re_evaluates_each_commune_once(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counted(_ctx: object, _session: object, code: str) -> int:
        calls.append(code)
        return 0

    monkeypatch.setattr(reevaluation, "reevaluate", counted)
    events = contiguous(history(random.Random(3), own_chain=False))[:40]
    with UnitOfWork(service.engine) as uow:
        reevaluation.consume(service.context, uow.session, events)
        uow.commit()
    assert calls == [COMMUNE]


def test_a_book_of_several_communes_is_reused_while_nothing_arrives_and_else_refolded(
    service: Service,
) -> None:
    rng = random.Random(21)
    both = (COMMUNE, "08923")
    first = history(rng, own_chain=False)
    second = history(rng, own_chain=False, commune="08923")
    arrival = shuffled(rng, first + second)
    half = len(arrival) // 2
    for part in (arrival[:half], arrival[half:]):
        consume_in_batches(service, rng, part)
        for _ in range(2):  # built, then reused
            book, heads, incremental = leased(service, LAST_DAY, both)
            full, full_heads = full_fold(service, LAST_DAY, both)
            assert incremental
            assert heads == full_heads
            assert comparable(book) == comparable(full)
    assert {h.commune_code for h in heads} == set(both)


def test_the_metrics_index_follows_the_book_and_is_not_state() -> None:
    """The per-village index is rebuilt after any event (facts change in place: an account
    closed), is left out of equality and of snapshots, and answers what the book holds."""
    units = UnitDirectory.load()
    chains = Chains()
    events = chains.record_all(
        village_facts(COMMUNE, VILLAGES[0], f"{PATH}/thon-1", VillageProfile(households=2))
    )
    book = FactBook.of(events)
    scope = scope_for(units, VILLAGES[0], LAST_DAY)
    metric = CATALOGUE["residents.working_age_with_epayment_account"].fn
    before = metric(book, scope).value
    assert before > 0
    assert "metrics.index" in book.derived
    opened = next(e for e in events if e.event_type == "payment_account.opened")
    closing = Fact(
        "payments", "payment_account.closed", opened.stream_id, {"closed_on": "2026-10-20"},
        COMMUNE, opened.unit_path, datetime(2026, 10, 20, 3, tzinfo=UTC),
    )  # fmt: skip
    book.extend([chains.record(closing)])
    assert metric(book, scope).value == before - 1
    assert book == FactBook.of([*events, chains.recorded[-1]])  # the index is not compared
    assert pickle.loads(pickle.dumps(book)).derived == {}  # noqa: S301 - nor persisted
