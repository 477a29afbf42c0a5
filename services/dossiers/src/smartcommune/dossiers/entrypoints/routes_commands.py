"""Command endpoints: one per lifecycle step, each answering with the dossier as it now is.

Optimistic concurrency: every step carries `expected_version` in its body (the `version` the
client last saw); a dossier that has moved on answers 409 `version-conflict`.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from smartcommune.kit.auth import Principal

from ..application import commands as c
from ..bootstrap import Service
from .rules import writer
from .schemas import DossierView
from .views import aggregate_view

DossierId = Annotated[
    str, Path(pattern=r"^dossier-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]


def command_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/dossiers", tags=["commands"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    def step(principal: Principal, dossier_id: str, command: c.Transition) -> DossierView:
        dossier = service.bus.handle(command, writer(principal), dossier_id)
        return aggregate_view(dossier)

    @router.post("", status_code=201, operation_id="submit_dossier")
    def submit_dossier(command: c.SubmitDossier, who: Who, response: Response) -> DossierView:
        """Record a dossier received by the one-stop shop (or a new work record)."""
        view = aggregate_view(service.bus.handle(command, writer(who)))
        response.headers["Location"] = f"/dossiers/{view.dossier_id}"
        return view

    @router.post("/{dossier_id}/receive", operation_id="receive_dossier")
    def receive_dossier(dossier_id: DossierId, command: c.ReceiveDossier, who: Who) -> DossierView:
        """Accept the dossier as complete, with the appointment date for the result."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/refuse", operation_id="refuse_dossier")
    def refuse_dossier(dossier_id: DossierId, command: c.RefuseDossier, who: Who) -> DossierView:
        """Refuse to receive it (outside the commune's competence, not admissible…)."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/start-processing", operation_id="start_processing_dossier")
    def start_processing_dossier(
        dossier_id: DossierId, command: c.StartProcessing, who: Who
    ) -> DossierView:
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/request-supplement", operation_id="request_supplement_dossier")
    def request_supplement_dossier(
        dossier_id: DossierId, command: c.RequestSupplement, who: Who
    ) -> DossierView:
        """Ask the applicant for missing documents (the clock may pause: a setting)."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/supplement", operation_id="supplement_dossier")
    def supplement_dossier(
        dossier_id: DossierId, command: c.SupplementDossier, who: Who
    ) -> DossierView:
        """The applicant supplied what was asked; processing resumes."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/extend", operation_id="extend_dossier")
    def extend_dossier(dossier_id: DossierId, command: c.ExtendDossier, who: Who) -> DossierView:
        """Move the due date, with a letter of apology to the applicant."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/stop", operation_id="stop_dossier")
    def stop_dossier(dossier_id: DossierId, command: c.StopDossier, who: Who) -> DossierView:
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/resolve", operation_id="resolve_dossier")
    def resolve_dossier(dossier_id: DossierId, command: c.ResolveDossier, who: Who) -> DossierView:
        """Decide it; on time when no later than the due date in force."""
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/return-result", operation_id="return_result_dossier")
    def return_result_dossier(
        dossier_id: DossierId, command: c.ReturnResult, who: Who
    ) -> DossierView:
        return step(who, dossier_id, command)

    @router.post("/{dossier_id}/rate", operation_id="rate_dossier")
    def rate_dossier(dossier_id: DossierId, command: c.RateDossier, who: Who) -> DossierView:
        """The applicant's satisfaction rating (procedure dossiers only)."""
        return step(who, dossier_id, command)

    return router
