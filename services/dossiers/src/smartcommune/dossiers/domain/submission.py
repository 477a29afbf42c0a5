"""What a submission must state, by kind of dossier.

A procedure dossier has an applicant (a pseudonymous reference, their type and home commune)
and no handling department; an internal work record is the reverse. Checked in the domain, not
only in the HTTP schema, because the bulk import reaches the aggregate without that schema.
"""

from __future__ import annotations

from .errors import InconsistentCommand
from .events import DossierSubmitted
from .values import Kind

_APPLICANT = ("applicant_ref", "applicant_type", "applicant_home_commune")
_WORK = ("handling_department",)


def check_submission(facts: DossierSubmitted) -> None:
    required: tuple[str, ...]
    forbidden: tuple[str, ...]
    if facts.kind is Kind.PROCEDURE:
        required, forbidden = _APPLICANT, (*_WORK, "handling_officer_ref")
        if facts.procedure_code is None:
            raise InconsistentCommand("procedure_code", "is required for a procedure dossier")
    else:
        required, forbidden = _WORK, (*_APPLICANT, "applicant_village")
    for name in required:
        if getattr(facts, name) is None:
            raise InconsistentCommand(name, f"is required for a {facts.kind.value} dossier")
    for name in forbidden:
        if getattr(facts, name) is not None:
            raise InconsistentCommand(name, f"must be empty for a {facts.kind.value} dossier")
