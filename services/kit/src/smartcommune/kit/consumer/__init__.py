"""Tracking consumers: apply each event exactly once, dead-letter what cannot be applied
(ARCHITECTURE §5).

    broker = make_broker(bootstrap, client_id="scoring")
    TrackingConsumer("scoring.indicators", "dossiers.events.v1", engine, handle,
                     registry=dossiers_registry).subscribe(broker)
    await FastStream(broker).run()

`handle(uow, envelope)` updates the projection through `uow.session`; it must not commit.
Given `metrics=`, a consumer also feeds the `smartcommune.consumer.lag` gauge (`lag.py`).
"""

from .broker import make_broker
from .consumer import Acknowledge, OffsetReset, Outcome, TrackingConsumer
from .dead_letters import dead_letter_headers
from .inspection import DeadLetter, Rejection, inspect
from .lag import LagMonitor, LagReporter, PartitionOffsets
from .tables import consumer_tracking
from .tracking import Delivery, is_tracked, track
from .transactions import Handler

__all__ = [
    "Acknowledge",
    "DeadLetter",
    "Delivery",
    "Handler",
    "LagMonitor",
    "LagReporter",
    "OffsetReset",
    "Outcome",
    "PartitionOffsets",
    "Rejection",
    "TrackingConsumer",
    "consumer_tracking",
    "dead_letter_headers",
    "inspect",
    "is_tracked",
    "make_broker",
    "track",
]
