"""The identity service's refusals, in the kit's problem+json vocabulary.

The generic part (validation, HTTP errors, 401/403, version conflicts, the catch-all 500) comes
from `smartcommune.kit.problems`; only the domain's exceptions are declared here. The CA's
routes answer their own errors (`..ca.problems`), with the same vocabulary.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from smartcommune.kit import problems as kit

from ..application.errors import AlreadyRegistered, NotFound
from ..domain.errors import InvalidCommand, PersonalDataGone


def _registered(exc: AlreadyRegistered) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "errors": [{"field": "personal_data.national_id", "message": str(exc)}]
    }
    if exc.existing:
        extra["resident_id"] = exc.existing
    return extra


CATALOGUE = (
    kit.ProblemCatalogue()
    .add_invalid(InvalidCommand)
    .add(
        PersonalDataGone, 410, "personal-data-erased", "Personal data erased",
        "Dữ liệu cá nhân đã bị xóa", extra=lambda e: {"resident_id": e.resident_id},
    )
    .add(
        AlreadyRegistered, 409, "already-registered", "Resident already registered",
        "Cư dân đã được đăng ký", extra=_registered,
    )
    .add(NotFound, 404, "not-found", "Not found", "Không tìm thấy")
)  # fmt: skip


def install_problem_handlers(app: FastAPI) -> None:
    kit.install_problem_handlers(app, CATALOGUE)
