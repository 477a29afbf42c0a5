"""The service's refusals as RFC 9457 problem+json, on the kit's generic handlers.

Bad input names its field (`errors: [{field, message}]`): for a VietQR payload the field is the
tag path (`38.01.00`), for a statement `{row, field, message}` per faulty cell.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from smartcommune.kit.problems import ProblemCatalogue, install_problem_handlers, problem

from ..application.errors import AlreadyRecorded, NotFound, StatementInvalid, WebhookRefused
from ..domain.errors import InconsistentCommand, InvalidState
from ..domain.vietqr import InvalidVietQR

PROBLEMS = (
    ProblemCatalogue()
    .add(NotFound, 404, "not-found", "Not found", "Không tìm thấy")
    .add(InvalidState, 409, "invalid-state", "Impossible now", "Không thể thực hiện lúc này")
    .add(AlreadyRecorded, 409, "already-exists", "Already recorded", "Đã được ghi nhận",
         extra=lambda e: {"existing_id": e.existing_id})
    .add_invalid(InconsistentCommand)
    .add_invalid(StatementInvalid, errors=lambda e: e.errors)
    .add_invalid(InvalidVietQR, errors=lambda e: [
        {"field": error.field, "message": error.message} for error in e.errors
    ])
)  # fmt: skip

_WEBHOOK_TITLES = {
    "unknown-provider": ("Unknown provider", "Nhà cung cấp không xác định"),
    "unsigned": ("Unsigned notification", "Thông báo chưa được ký"),
    "bad-signature": ("Invalid signature", "Chữ ký không hợp lệ"),
    "stale": ("Stale notification", "Thông báo đã quá hạn"),
    "replayed": ("Notification replayed", "Thông báo bị gửi lại"),
}


def _webhook_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WebhookRefused)
    title, title_vi = _WEBHOOK_TITLES[exc.kind]
    return problem(request, exc.status, f"webhook-{exc.kind}", title, title_vi, str(exc))


PROBLEMS.add_handler(WebhookRefused, _webhook_refused)


def install(app: FastAPI) -> None:
    install_problem_handlers(app, PROBLEMS)
