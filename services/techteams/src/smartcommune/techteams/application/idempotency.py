"""Idempotency keys on every write: a retried request gets the original answer, once.

A phone on a poor connection often loses the answer to a request that did succeed, and sends
it again. The client puts the same `Idempotency-Key` on the retry; the service keeps, per
(caller, key), the request's fingerprint and its answer, in the same transaction as the events.
The same key with the same request replays the answer (nothing new is recorded); the same key
with a different request is refused (422 `idempotency-key-reused`): the key was spent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smartcommune.kit.events import canonical_bytes

from ..domain.errors import DomainError

#: renders a handler's result as the HTTP answer: (status code, JSON body)
Render = Callable[[Any], tuple[int, Any]]


def fingerprint(operation: str, body: Any) -> str:
    """SHA-256 of the operation (method and path) and the request body as validated, in
    canonical JSON — so a retry that re-serialises the same body differently still matches."""
    return hashlib.sha256(canonical_bytes([operation, body])).hexdigest()


@dataclass(frozen=True)
class Receipt:
    """What a write will keep under its key, once the handler's result is known."""

    owner: str  # the caller's subject: keys are per caller
    key: str
    operation: str
    fingerprint: str
    render: Render


@dataclass(frozen=True)
class Replay:
    operation: str
    fingerprint: str
    status_code: int
    body: Any


class ReceiptTaken(Exception):  # noqa: N818 - a race lost, named after what happened
    """A concurrent request with the same key committed first; this one was rolled back."""

    def __init__(self, owner: str, key: str) -> None:
        super().__init__(f"idempotency key {key} of {owner} was used concurrently")
        self.owner, self.key = owner, key


class KeyReused(DomainError):  # noqa: N818 - named after what the caller is told (422)
    def __init__(self, key: str) -> None:
        super().__init__(
            f"the Idempotency-Key {key} was used for a different request: use a new key"
        )
        self.key = key
