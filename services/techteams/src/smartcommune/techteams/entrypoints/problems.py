"""The service's refusals, in the kit's problem+json vocabulary (`smartcommune.kit.problems`):
the generic part (validation, HTTP errors, 401/403, 500) comes from the kit."""

from __future__ import annotations

from fastapi import FastAPI

from smartcommune.kit import problems as kit

from ..application.errors import AlreadyExists, NotFound
from ..application.idempotency import KeyReused
from ..domain.errors import InconsistentCommand, InvalidTransition

CATALOGUE = (
    kit.ProblemCatalogue()
    .add_invalid(InconsistentCommand)
    .add(
        InvalidTransition, 409, "invalid-transition", "Impossible step", "Bước không hợp lệ",
        extra=lambda e: {"state": e.state},
    )
    .add(
        AlreadyExists, 409, "already-exists", "Already recorded", "Đã tồn tại",
        extra=lambda e: {"existing_id": e.existing_id},
    )
    .add(
        KeyReused, 409, "idempotency-key-reused", "Idempotency key reused",
        "Khóa idempotency đã được dùng cho yêu cầu khác",
    )
    .add(NotFound, 404, "not-found", "Not found", "Không tìm thấy")
)  # fmt: skip


def install_problem_handlers(app: FastAPI) -> None:
    kit.install_problem_handlers(app, CATALOGUE)
