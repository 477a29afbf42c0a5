"""`python -m smartcommune.kit.relay`: one service's relay as its own process (a Deployment
with one replica, or a sidecar).

The relay needs no payload schemas: the bodies were validated when they were appended and are
relayed as stored bytes. It therefore builds the service's `EventStore` over an *empty*
`PayloadRegistry(service)` — the store only uses the registry's service name for its outbox
queries — rather than a second, hand-written outbox reader that could drift from the store's
own definition of "unpublished, in order".

SIGTERM or SIGINT stops it cleanly: the batch in flight is finished and marked (bounded by the
producer's delivery timeout), the producer is flushed and closed, and the exit status is 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..events import PayloadRegistry
from ..store import EventStore, make_engine
from ..telemetry import configure_logging, setup_telemetry
from .process import run_until_signalled
from .producer import make_producer
from .relay import OutboxRelay


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m smartcommune.kit.relay", description=__doc__)
    database = os.environ.get("SMARTCOMMUNE_DATABASE_URL")
    parser.add_argument("--database-url", default=database, required=database is None)
    parser.add_argument("--service", required=True, help="whose outbox, e.g. dossiers")
    parser.add_argument("--topic", required=True, help="e.g. dossiers.events.v1")
    parser.add_argument("--bootstrap", required=True, help="Kafka HOST:PORT[,HOST:PORT…]")
    parser.add_argument("--poll-interval", type=float, default=0.5, help="seconds when idle")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--log-level", default=os.environ.get("SMARTCOMMUNE_LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    configure_logging(args.service, args.log_level)
    telemetry = setup_telemetry(args.service)
    engine = make_engine(args.database_url)
    producer = make_producer(args.bootstrap, client_id=f"{args.service}.relay")
    relay = OutboxRelay(
        engine,
        EventStore(PayloadRegistry(args.service)),
        args.topic,
        producer,
        batch_size=args.batch_size,
        tracer=telemetry.tracer,
        metrics=telemetry.metrics,
    )
    try:
        status = run_until_signalled(relay, args.poll_interval)
    finally:
        producer.close(timeout=10)
        engine.dispose()
        telemetry.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main())
