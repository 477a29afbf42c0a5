"""RFC 9457 answers for the CA's routes, without relying on the app's handlers.

The router is mounted into an app another module builds, so its routes render their own
refusals through a route class: CA errors and request-validation errors become
`application/problem+json` with a stable `type`, an English and a Vietnamese title, a `detail`
and — for bad input — `errors: [{field, message}]`. 401/403 from the kit's auth errors are left
to the app's `install_auth_error_handlers`, the same answer as on every other endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from .domain import (
    CaError,
    CertificateUnusable,
    Conflict,
    InvalidRequest,
    NotFound,
    PermissionRefused,
)

PROBLEM_JSON = "application/problem+json"
#: error class → (status, type suffix, title, Vietnamese title)
_KINDS: list[tuple[type[CaError], int, str, str, str]] = [
    (InvalidRequest, 422, "validation", "Invalid request", "Yêu cầu không hợp lệ"),
    (NotFound, 404, "not-found", "Not found", "Không tìm thấy"),
    (PermissionRefused, 403, "forbidden", "Forbidden", "Không có quyền"),
    (CertificateUnusable, 409, "certificate-unusable", "Certificate unusable",
     "Chứng thư số không sử dụng được"),
    (Conflict, 409, "conflict", "Conflict", "Xung đột"),
]  # fmt: skip


def problem(request: Request, status: int, kind: str, title: str, title_vi: str, detail: str,
            **extra: Any) -> JSONResponse:  # fmt: skip
    body = {
        "type": f"urn:smartcommune:problem:{kind}", "title": title, "title_vi": title_vi,
        "status": status, "detail": detail, "instance": request.url.path, **extra,
    }  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _field(loc: Any) -> str:
    parts = [str(part) for part in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def render(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, RequestValidationError):
        errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))}
                  for e in exc.errors()]  # fmt: skip
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(request, 422, "validation", "Invalid request", "Yêu cầu không hợp lệ",
                       detail, errors=errors)  # fmt: skip
    assert isinstance(exc, CaError)
    for kind, status, suffix, title, title_vi in _KINDS:
        if isinstance(exc, kind):
            extra = (
                {"errors": [{"field": exc.field, "message": exc.message}]}
                if isinstance(exc, InvalidRequest)
                else {}
            )
            return problem(request, status, suffix, title, title_vi, exc.reason, **extra)
    return problem(request, 400, "ca", "Refused", "Bị từ chối", exc.reason)


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
