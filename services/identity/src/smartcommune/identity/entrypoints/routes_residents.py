"""Resident endpoints: register, look up, record a VNeID level, erase, and — for commune
officers of the resident's commune only — read the personal data (each read audit-logged)."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from smartcommune.kit.auth import Principal, authorize

from ..application import commands as c
from ..application.queries import read_personal_data
from ..bootstrap import Service
from ..domain.values import RESIDENT_ID
from .rules import READ, personal_data_reader, writer
from .schemas import PersonalDataView, ResidentView
from .views import resident_view

ResidentId = Annotated[str, Path(pattern=RESIDENT_ID, description="pseudonymous resident id")]
Purpose = Annotated[
    str, Query(min_length=3, max_length=200, description="why the data is read: audit-logged")
]


def resident_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/residents", tags=["residents"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    @router.post("", status_code=201, operation_id="register_resident")
    def register_resident(
        command: c.RegisterResident, who: Who, response: Response
    ) -> ResidentView:
        """Register a resident of a village; the personal data goes encrypted into the vault and
        the answer (like every event) carries only the pseudonymous id."""
        resident = service.bus.handle(command, writer(who))
        response.headers["Location"] = f"/residents/{resident.id}"
        return resident_view(service, resident.id)

    @router.get("/{resident_id}", operation_id="get_resident")
    def get_resident(resident_id: ResidentId, who: Who) -> ResidentView:
        view = resident_view(service, resident_id)
        authorize(who, READ, view.unit_path)
        return view

    @router.get("/{resident_id}/personal-data", operation_id="read_personal_data")
    def read_personal(resident_id: ResidentId, purpose: Purpose, who: Who) -> PersonalDataView:
        """Decrypt the personal data (410 once erased). Every read is written to the audit log
        with the reader and the purpose given."""
        reader = personal_data_reader(who)
        data = read_personal_data(resident_id, purpose, reader, service.bus.deps)
        return PersonalDataView(resident_id=resident_id, **data.model_dump())

    @router.post("/{resident_id}/vneid", operation_id="record_vneid_level")
    def record_vneid_level(
        resident_id: ResidentId, command: c.RecordVneidLevel, who: Who
    ) -> ResidentView:
        """Record the resident's VNeID level; the age rules of Decree 69/2024 apply on
        `changed_on` (a refusal is a 422 naming `level` and the reason)."""
        service.bus.handle(command, writer(who), resident_id)
        return resident_view(service, resident_id)

    @router.post("/{resident_id}/erase", operation_id="erase_resident")
    def erase_resident(resident_id: ResidentId, command: c.EraseResident, who: Who) -> ResidentView:
        """Destroy the resident's data key: the personal data becomes unreadable for good. The
        events and every count stay as they were."""
        service.bus.handle(command, writer(who), resident_id)
        return resident_view(service, resident_id)

    return router
