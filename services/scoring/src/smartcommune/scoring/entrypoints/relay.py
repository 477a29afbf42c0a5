"""`python -m smartcommune.scoring.entrypoints.relay`: publish the outbox to `scoring.events.v1`.

The kit's relay, configured from the service's settings (so the service, its migration Job and
its relay read the same variables). Run exactly one: two relays would interleave a commune's
events. SIGTERM/SIGINT finish the batch in flight, then exit 0.
"""

from __future__ import annotations

import sys

from smartcommune.kit.relay.process import run_until_signalled
from smartcommune.kit.telemetry import configure_logging, setup_telemetry

from ..application.context import SERVICE
from ..bootstrap import build_relay
from ..settings import Settings


def main() -> int:
    settings = Settings()
    configure_logging(SERVICE, settings.log_level)
    telemetry = setup_telemetry(SERVICE)
    relay, engine, producer = build_relay(settings, telemetry)
    try:
        status = run_until_signalled(relay, settings.relay_poll_interval)
    finally:
        producer.close(timeout=10)
        engine.dispose()
        telemetry.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main())
