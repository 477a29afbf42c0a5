"""Refusals decided by the application layer (the domain's own are in `domain.errors`)."""

from __future__ import annotations

from ..domain.errors import DomainError


class NotFound(DomainError):  # noqa: N818 - named after what the caller is told (404)
    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} {ident}")
        self.kind, self.ident = kind, ident


class AlreadyExists(DomainError):  # noqa: N818 - named after what the caller is told (409)
    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id
