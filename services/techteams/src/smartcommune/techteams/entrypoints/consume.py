"""`python -m smartcommune.techteams.entrypoints.consume`: keep the households per village from
`identity.events.v1` (consumer group `techteams.households`), for the planning list.

The kit's tracking consumer on a FastStream broker: each event takes effect once, in order per
partition; what cannot be applied goes to `identity.events.v1.dlq`. Scale by running more
processes (up to the topic's partitions). SIGTERM/SIGINT stop it after the message in hand.
"""

from __future__ import annotations

import asyncio
import sys

from faststream import FastStream

from smartcommune.kit.consumer import make_broker
from smartcommune.kit.telemetry import configure_logging, setup_telemetry

from ..bootstrap import SERVICE, build_identity_consumer
from ..settings import Settings


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    telemetry = setup_telemetry(SERVICE)
    consumer, engine = build_identity_consumer(settings, telemetry)
    broker = make_broker(settings.kafka_bootstrap, client_id=settings.identity_consumer)
    consumer.subscribe(broker)
    try:
        asyncio.run(FastStream(broker).run())
    finally:
        engine.dispose()
        telemetry.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
