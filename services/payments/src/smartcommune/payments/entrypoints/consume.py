"""`python -m smartcommune.payments.entrypoints.consume`: the service's tracking consumers.

`payments.fees` turns dossier submissions with a fee into payment requests; `payments.residents`
keeps the residents and households the adoption figures count. Both commit their Kafka offsets
only after their database transaction (the kit's `TrackingConsumer`); scale them by running more
members of the same consumer groups. SIGTERM/SIGINT stop the broker cleanly.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from smartcommune.kit.consumer import make_broker
from smartcommune.kit.telemetry import configure_logging, setup_telemetry

from ..bootstrap import SERVICE, bootstrap, build_consumers
from ..settings import Settings


async def _run(settings: Settings) -> None:
    service = bootstrap(settings, telemetry=setup_telemetry(SERVICE))
    broker = make_broker(settings.kafka_bootstrap, client_id=f"{SERVICE}.consumers")
    for consumer in build_consumers(service):
        consumer.subscribe(broker)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with broker:
            await broker.start()
            await stop.wait()
    finally:
        service.engine.dispose()
        service.telemetry.shutdown()


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    asyncio.run(_run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
