"""`python -m smartcommune.scoring.entrypoints.consume`: the indicator consumers.

One tracking consumer per source topic (`dossiers`, `identity`, `payments`, `techteams`), each
in its own consumer group `scoring.indicators-<service>`; scale by running more replicas.
SIGTERM/SIGINT stop the broker after the message in flight.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from smartcommune.kit.consumer import make_broker
from smartcommune.kit.telemetry import configure_logging

from ..application.context import SERVICE
from ..bootstrap import bootstrap, build_consumers
from ..settings import Settings


async def _run(settings: Settings) -> None:
    service = bootstrap(settings)
    broker = make_broker(settings.kafka_bootstrap, client_id=f"{SERVICE}.indicators")
    for consumer in build_consumers(service):
        consumer.subscribe(broker)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with broker:
        await broker.start()
        await stop.wait()
    service.engine.dispose()
    service.telemetry.shutdown()


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    asyncio.run(_run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
