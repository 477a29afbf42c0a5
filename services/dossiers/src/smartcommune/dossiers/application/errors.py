"""Refusals decided by the application layer (the domain's own are in `domain.errors`)."""

from __future__ import annotations

from ..domain.errors import DomainError


class DossierNotFound(DomainError):  # noqa: N818 - named after what the caller is told (404)
    def __init__(self, dossier_id: str) -> None:
        super().__init__(f"no dossier {dossier_id}")
        self.dossier_id = dossier_id


class DossierExists(DomainError):  # noqa: N818 - named after what the caller is told (409)
    """A submission whose (commune, dossier number) is already recorded: nothing was added."""

    def __init__(self, dossier_id: str, dossier_number: str) -> None:
        super().__init__(f"dossier number {dossier_number} is already recorded as {dossier_id}")
        self.dossier_id = dossier_id
