"""What the domain refuses, as exceptions the entry points map to problem+json (409 / 422)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal decided by the domain."""


class InconsistentCommand(DomainError):  # noqa: N818 - a refusal, named after what was refused
    """A command whose values contradict the facts, e.g. closing before opening (→ 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class InvalidState(DomainError):  # noqa: N818 - a refusal, named after what was refused
    """The step is impossible now, e.g. closing a closed account (→ 409 `invalid-state`)."""
