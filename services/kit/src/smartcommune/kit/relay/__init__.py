"""Outbox relay: publishes a service's committed events to its topic (ARCHITECTURE §4 step 4).

Run it as a process, `python -m smartcommune.kit.relay --help`, or in-process:

    relay = OutboxRelay(engine, EventStore(registry), "dossiers.events.v1",
                        make_producer(bootstrap, client_id="dossiers.relay"))
    relay.run_forever(poll_interval=0.5, stop_event=stop)
"""

from .backoff import Backoff
from .producer import DELIVERY_TIMEOUT_MS, Publisher, SendFuture, make_producer
from .relay import OutboxRelay, UowFactory

__all__ = [
    "DELIVERY_TIMEOUT_MS",
    "Backoff",
    "OutboxRelay",
    "Publisher",
    "SendFuture",
    "UowFactory",
    "make_producer",
]
