"""Incremental fact books on PostgreSQL: snapshots written by the upsert (a smaller or older one
never replaces a larger one of the same fold), read back after a restart, and the books equal
to the full fold through readers and writers alike."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.scoring.adapters.factbooks import FOLD, FactBooks, Kept
from smartcommune.scoring.adapters.inbox import commune_events
from smartcommune.scoring.adapters.tables import fact_snapshots
from smartcommune.scoring.application.reevaluation import consume
from smartcommune.scoring.bootstrap import bootstrap, run_migrations
from smartcommune.scoring.domain.engine import contiguous, frontier
from smartcommune.scoring.domain.facts import FactBook
from smartcommune.scoring.settings import Settings
from smartcommune.scoring.testing import Chains, VillageProfile, village_facts

pytestmark = pytest.mark.integration

AS_OF = date(2026, 11, 2)


def test_snapshots_on_postgres_keep_the_books_equal_to_the_full_fold(
    fresh_postgres_url: str,
) -> None:
    rng = random.Random()
    commune = f"7{rng.randrange(10_000):04d}"
    chains = Chains()
    for n in range(1, 4):
        chains.record_all(
            village_facts(commune, f"{commune}0{n}", f"VN-26/x/y/thon-{n}", VillageProfile())
        )
    events = chains.recorded
    settings = Settings(database_url=fresh_postgres_url)
    run_migrations(settings)
    service = bootstrap(settings, telemetry=setup_telemetry("scoring", set_global=False))
    ctx = service.context
    ctx.fact_books = FactBooks(service.engine, ctx.store, snapshot_every=40)
    try:
        start = 0
        while start < len(events):
            batch = events[start : start + rng.randint(1, 30)]
            with UnitOfWork(service.engine) as uow:
                consume(ctx, uow.session, batch)
                with ctx.facts.lease(uow.session, [commune], AS_OF):
                    pass  # a writer's book: cached and snapshotted only once committed
                uow.commit()
            start += len(batch)
            if rng.random() < 0.3:
                ctx.facts.clear()
            with UnitOfWork(service.engine, read_only=True) as uow:
                with ctx.facts.lease(uow.session, [commune], AS_OF) as folded:
                    book, heads = folded.book, folded.frontier
                everything = commune_events(uow.session, ctx.store, [commune])
            assert heads == frontier(everything)
            assert book == FactBook.of(everything, AS_OF)

        with UnitOfWork(service.engine, read_only=True) as uow:
            row = uow.session.execute(select(fact_snapshots)).one()
        assert row.fold_version == FOLD
        assert len(events) - 40 < row.event_count <= len(events)

        smaller = Kept(commune, (commune,))
        smaller.add(contiguous(events[:10]))
        ctx.facts.persist(smaller)  # an older book never replaces a newer snapshot
        with UnitOfWork(service.engine, read_only=True) as uow:
            after = uow.session.execute(select(fact_snapshots)).one()
        assert after.event_count == row.event_count
    finally:
        service.engine.dispose()
