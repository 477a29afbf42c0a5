"""What the domain refuses, as exceptions the entry points map to problem+json (409 / 422)."""

from __future__ import annotations

from .lifecycle import Status, Step, allowed_steps


class DomainError(Exception):
    """Base of every refusal decided by the domain."""


class InvalidTransition(DomainError):  # noqa: N818 - a refusal, named after what was refused
    """The step is impossible in the dossier's current status (→ 409)."""

    def __init__(self, status: Status, step: Step, note: str = "") -> None:
        self.status, self.step = status, step
        self.allowed = allowed_steps(status)
        possible = ", ".join(self.allowed) or "none: the dossier is closed"
        why = f" ({note})" if note else ""
        super().__init__(
            f"cannot {step} a dossier that is {status}{why}; possible steps: {possible}"
        )


class InconsistentCommand(DomainError):  # noqa: N818 - a refusal, named after what was refused
    """A command whose values contradict the dossier, e.g. a date before its receipt (→ 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message
