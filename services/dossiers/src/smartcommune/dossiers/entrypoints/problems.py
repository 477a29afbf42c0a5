"""The dossiers service's refusals, in the kit's problem+json vocabulary.

The generic part (validation, HTTP errors, 401/403, the catch-all 500) comes from
`smartcommune.kit.problems`; only the domain's exceptions are declared here.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from smartcommune.kit import problems as kit
from smartcommune.kit.store import ConcurrencyConflict

from ..adapters.import_parsing import ImportFileError
from ..application.errors import DossierExists, DossierNotFound
from ..domain.errors import InconsistentCommand, InvalidTransition


def _conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConcurrencyConflict)
    detail = f"the dossier is at version {exc.actual}, not {exc.expected}: reload and retry"
    return kit.version_conflict(
        request, exc, detail, expected_version=exc.expected, current_version=exc.actual
    )


CATALOGUE = (
    kit.ProblemCatalogue()
    .add_invalid(InconsistentCommand)
    .add_invalid(ImportFileError, status=400)
    .add(
        InvalidTransition, 409, "invalid-transition", "Impossible step", "Bước xử lý không hợp lệ",
        extra=lambda e: {"status_now": e.status.value, "step": e.step.value,
                         "allowed": [s.value for s in e.allowed]},
    )
    .add(
        DossierExists, 409, "already-exists", "Dossier already recorded", "Hồ sơ đã tồn tại",
        extra=lambda e: {"dossier_id": e.dossier_id},
    )
    .add(DossierNotFound, 404, "not-found", "Not found", "Không tìm thấy")
    .add_handler(ConcurrencyConflict, _conflict)
)  # fmt: skip


def install_problem_handlers(app: FastAPI) -> None:
    kit.install_problem_handlers(app, CATALOGUE)
