"""Running a relay as a process: until SIGTERM or SIGINT, then a clean stop.

The signal only sets an event; `run_forever` sees it between batches, so the batch in flight is
finished and marked before the loop returns, and the caller's `finally` closes the producer.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from .relay import OutboxRelay


def run_until_signalled(relay: OutboxRelay, poll_interval: float) -> int:
    """Relay until SIGTERM/SIGINT; returns the process exit status (0)."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    relay.run_forever(poll_interval, stop)
    return 0
