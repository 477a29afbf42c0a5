"""Opaque cursors: the id of the last row of a page, base64url-encoded.

Ids this service gives are UUIDv7 (time-ordered), households' ids come from identity; a list is
ordered by id, so the position of the last row is all the next page needs, and the page stays
correct while rows are added. Anything that does not decode into an id of the expected kind is
a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import re

from ..domain.errors import InconsistentCommand


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, pattern: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raw = ""
    if not re.fullmatch(pattern, raw):
        raise InconsistentCommand("cursor", "is not a cursor this service issued")
    return raw
