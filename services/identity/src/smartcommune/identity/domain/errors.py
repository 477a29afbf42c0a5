"""What the domain refuses, as exceptions the entry points map to problem+json."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal decided by the domain or the application layer."""


class InvalidCommand(DomainError):  # noqa: N818 - a refusal, named after what was refused
    """A command the rules refuse, naming the field at fault and why (→ 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class PersonalDataGone(DomainError):  # noqa: N818 - named after what the caller is told (410)
    """The resident's personal data was erased: nothing can be read or decided from it again."""

    def __init__(self, resident_id: str) -> None:
        super().__init__(f"the personal data of {resident_id} has been erased")
        self.resident_id = resident_id
