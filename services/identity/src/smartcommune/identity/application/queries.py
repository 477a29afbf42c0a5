"""Reading a resident's personal data: the one read that leaves the vault, and is logged.

Every successful read writes an audit line (who, whose, why) to the `smartcommune.identity.audit`
logger before the data is returned; the caller must state a purpose. Lists and counts never
come here: they are served from the pseudonymous read model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.values import PersonalData
from .errors import NotFound
from .ports import Dependencies

audit_log = logging.getLogger("smartcommune.identity.audit")


@dataclass(frozen=True)
class Reader:
    """Who reads: their subject (for the audit line) and the personal-data guard for a unit."""

    subject: str
    role: str
    authorize: Callable[[str], None]


def read_personal_data(
    resident_id: str, purpose: str, reader: Reader, deps: Dependencies
) -> PersonalData:
    with deps.reader() as uow:
        resident = uow.residents.get(resident_id)
        if resident is None:
            raise NotFound("resident", resident_id)
        reader.authorize(resident.unit_path)
        data = uow.vault.read(resident_id)  # PersonalDataGone (410) once erased
    audit_log.info(
        "personal data read",
        extra={
            "resident_id": resident_id, "reader": reader.subject, "role": reader.role,
            "unit_path": resident.unit_path, "purpose": purpose,
        },
    )  # fmt: skip
    return data
