"""`python -m smartcommune.techteams.entrypoints.prune`: delete idempotency receipts older than
`IDEMPOTENCY_RETENTION_DAYS` (default 7) — a daily CronJob. Events are never touched."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from smartcommune.kit.store import make_engine

from ..adapters.receipts import prune_receipts
from ..settings import Settings


def main() -> int:
    settings = Settings()
    engine = make_engine(settings.database_url)
    try:
        before = datetime.now(UTC) - timedelta(days=settings.idempotency_retention_days)
        print(f"pruned {prune_receipts(engine, before)} idempotency receipts before {before}")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
