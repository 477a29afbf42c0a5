"""What the use cases refuse with; the REST and gRPC entrypoints map each to its status."""

from __future__ import annotations

from typing import Any


class ScoringError(Exception):
    status = 400
    kind = "bad-request"
    title, title_vi = "Bad request", "Yêu cầu không hợp lệ"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail, self.extra = detail, extra


class InputError(ScoringError):
    """Bad input that the schema could not catch; names the field."""

    status, kind = 422, "validation"
    title, title_vi = "Invalid request", "Yêu cầu không hợp lệ"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", errors=[{"field": field, "message": message}])


class NotFoundError(ScoringError):
    status, kind = 404, "not-found"
    title, title_vi = "Not found", "Không tìm thấy"


class StateConflictError(ScoringError):
    status, kind = 409, "invalid-state"
    title, title_vi = "Not possible now", "Không thực hiện được ở trạng thái hiện tại"


class AlreadyExistsError(ScoringError):
    status, kind = 409, "already-exists"
    title, title_vi = "Already recorded", "Đã tồn tại"


class CriteriaUnmetError(ScoringError):
    """A decision was refused: units that do not meet the set, with the failing indicators."""

    status, kind = 409, "criteria-unmet"
    title, title_vi = "Criteria not met", "Chưa đạt tiêu chí"


class SigningRefusedError(ScoringError):
    status, kind = 409, "signing-refused"
    title, title_vi = "Signing refused", "Không ký được"


class SigningUnavailableError(ScoringError):
    status, kind = 503, "signing-unavailable"
    title, title_vi = "Signing service unavailable", "Dịch vụ ký số không sẵn sàng"
