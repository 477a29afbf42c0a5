"""UUIDv7 (RFC 9562 §5.7) event ids: time-ordered, so ids sort roughly by creation time.

Python 3.11 has no `uuid.uuid7`. Within one process the ids are strictly increasing: when two
ids fall in the same millisecond the 12-bit `rand_a` field is used as a counter (RFC 9562
§6.2, method 1), and if that overflows the timestamp is advanced by one millisecond rather than
going backwards. Across processes they are only roughly ordered — nothing relies on more.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid

_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_MAX_COUNTER = 0xFFF

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def _next_stamp() -> tuple[int, int]:
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            # Start each millisecond at a random point in the lower half so the counter has room.
            _last_ms, _counter = now_ms, secrets.randbits(11)
        elif _counter < _MAX_COUNTER:
            _counter += 1
        else:
            _last_ms, _counter = _last_ms + 1, 0
        return _last_ms, _counter


def uuid7() -> uuid.UUID:
    """A new UUIDv7."""
    unix_ms, counter = _next_stamp()
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64  # rand_a, used as a monotonic counter
    value |= 0b10 << 62  # variant
    value |= secrets.randbits(62)  # rand_b
    return uuid.UUID(int=value)


def new_event_id() -> str:
    """A new event id: a UUIDv7 in its canonical lower-case text form."""
    return str(uuid7())


def is_uuid7(text: str) -> bool:
    """Whether `text` is a UUIDv7 in canonical lower-case form (the only form events carry)."""
    return _PATTERN.fullmatch(text) is not None


def uuid7_unix_ms(text: str) -> int:
    """The millisecond Unix timestamp embedded in a UUIDv7."""
    return uuid.UUID(text).int >> 80
