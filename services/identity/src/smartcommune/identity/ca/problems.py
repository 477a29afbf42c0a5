"""RFC 9457 answers for the CA's routes, without relying on the app's handlers.

The router is mounted into an app another module builds, so its routes render their own
refusals through a route class: CA errors and request-validation errors become
`application/problem+json` in the kit's vocabulary (`smartcommune.kit.problems`). 401/403 from
the kit's auth errors are left to the app's handlers, the same answer as on every other endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from smartcommune.kit import problems as kit

from .domain import (
    CaError,
    CertificateUnusable,
    Conflict,
    InvalidRequest,
    NotFound,
    PermissionRefused,
)


def _reason(exc: CaError) -> str:
    return exc.reason


CATALOGUE = (
    kit.ProblemCatalogue()
    .add(
        InvalidRequest, 422, "validation", "Invalid request", "Yêu cầu không hợp lệ",
        detail=_reason, extra=lambda e: {"errors": [{"field": e.field, "message": e.message}]},
    )
    .add(NotFound, 404, "not-found", "Not found", "Không tìm thấy", detail=_reason)
    .add(PermissionRefused, 403, "forbidden", "Forbidden", "Không có quyền", detail=_reason)
    .add(CertificateUnusable, 409, "certificate-unusable", "Certificate unusable",
         "Chứng thư số không sử dụng được", detail=_reason)
    .add(Conflict, 409, "conflict", "Conflict", "Xung đột", detail=_reason)
    .add(CaError, 400, "ca", "Refused", "Bị từ chối", detail=_reason)
    .add_handler(RequestValidationError, kit.render_validation)
)  # fmt: skip


def render(request: Request, exc: Exception) -> Response:
    answer = CATALOGUE.render(request, exc)
    assert answer is not None  # CaRoute catches only the types above
    return answer


class CaRoute(APIRoute):
    """An APIRoute whose CA and validation errors answer as problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (CaError, RequestValidationError) as exc:
                return render(request, exc)

        return handle
