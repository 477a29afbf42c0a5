"""Checks and derivations shared by the handlers and the bulk import."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from ..domain.errors import InconsistentCommand
from .ports import Dependencies, Unit, Units

#: Fixed forever: stream ids derived from it must be the same in every deployment and replay.
DOSSIER_NAMESPACE = uuid.UUID("5b0f3c52-6f0e-4a53-9a53-3c6d0e1f2a10")
#: How far a client's clock may run ahead of ours before `occurred_at` counts as "future".
CLOCK_SKEW = timedelta(minutes=5)


def dossier_id_for(commune_code: str, dossier_number: str) -> str:
    """Deterministic: the same (commune, number) is the same stream, so a re-import or a retried
    submission finds the dossier already there instead of recording it twice."""
    return f"dossier-{uuid.uuid5(DOSSIER_NAMESPACE, f'{commune_code}/{dossier_number}')}"


def commune(units: Units, code: str, field: str) -> Unit:
    unit = units.get(code)
    if unit is None or not unit.is_commune_level:
        raise InconsistentCommand(field, f"{code} is not a known commune or ward code")
    return unit


def business_time(given: datetime | None, deps: Dependencies, field: str) -> datetime:
    now = deps.clock()
    if given is None:
        return now
    if given > now + CLOCK_SKEW:
        raise InconsistentCommand(field, "must not be in the future")
    return given


def check_applicant_units(units: Units, home: str | None, village: str | None) -> None:
    """The applicant's home commune and village are codes the directory knows, and agree."""
    if home is None:
        if village is not None:
            raise InconsistentCommand("applicant_village", "needs applicant_home_commune")
        return
    home_unit = commune(units, home, "applicant_home_commune")
    if village is None:
        return
    unit = units.get(village)
    if unit is None or not unit.path.startswith(home_unit.path + "/"):
        message = f"{village} is not a village of the applicant's commune {home}"
        raise InconsistentCommand("applicant_village", message)
