"""Refusals decided by the application layer (the domain's own are in `domain.errors`)."""

from __future__ import annotations

from ..domain.errors import DomainError


class NotFound(DomainError):  # noqa: N818 - named after what the caller is told (404)
    def __init__(self, kind: str, identifier: str) -> None:
        super().__init__(f"no {kind} {identifier}")


class AlreadyRegistered(DomainError):  # noqa: N818 - named after what the caller is told (409)
    """A national ID number the vault already holds. `existing` is the resident's pseudonymous
    id, given only to a caller allowed to act in that resident's unit."""

    def __init__(self, existing: str | None) -> None:
        super().__init__("a resident with this national ID number is already registered")
        self.existing = existing
