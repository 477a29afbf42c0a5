"""Refusals decided by the application layer (the domain's own are in `domain.errors`)."""

from __future__ import annotations

from ..domain.errors import DomainError


class NotFound(DomainError):  # noqa: N818 - named after what the caller is told (404)
    pass


class AlreadyRecorded(DomainError):  # noqa: N818 - named after what the caller is told (409)
    """The same account, payment or notification was recorded before: nothing was added."""

    def __init__(self, message: str, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class WebhookRefused(DomainError):  # noqa: N818 - named after what the caller is told (401)
    """A notification that cannot be trusted: unknown provider, bad signature, stale, replayed."""

    def __init__(self, kind: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.kind, self.status = kind, status


class StatementInvalid(DomainError):  # noqa: N818 - named after what the caller is told (422)
    """Rows of a statement that do not validate: nothing was imported."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__(f"{len(errors)} problems in the statement")
        self.errors = errors
