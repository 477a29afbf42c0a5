"""Opaque cursors for the dossier list: the position of the last row, not an offset.

A cursor is base64url of `[submitted_at, dossier_id]` — the list's sort key — so a page stays
correct while dossiers are added. It is opaque to clients; anything that does not decode into
what this service could have issued is a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from typing import Any

from ..domain.errors import InconsistentCommand

_DOSSIER_ID = re.compile(r"dossier-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def encode_cursor(row: dict[str, Any]) -> str:
    key = [as_utc(row["submitted_at"]).isoformat(), row["dossier_id"]]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (submitted_at, dossier_id) after which the next page starts; 422 when unreadable."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, dossier_id = json.loads(raw)
        if not isinstance(at, str) or not isinstance(dossier_id, str):
            raise ValueError("not a cursor")
        moment = as_utc(datetime.fromisoformat(at))
        # Both go into SQL: only what this service could have issued (no NUL, no year 1).
        if not _DOSSIER_ID.fullmatch(dossier_id) or not 2000 <= moment.year <= 2099:
            raise ValueError("not a cursor")
        return moment, dossier_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise InconsistentCommand("cursor", "is not a cursor this service issued") from None
