"""One error vocabulary for the service: RFC 9457 problem+json, naming the field at fault.

Every refusal maps to a stable `type`, an English `title` with its Vietnamese label, a `detail`
for people and — for bad input — `errors: [{field, message}]`. FastAPI's own 422 body is
replaced so clients parse one shape; an unexpected error is a bare 500 problem (details go to
the log, never to the caller). The same shape as the dossiers service, kept in step by hand
until the kit offers it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from smartcommune.kit.auth.rest import install_auth_error_handlers
from smartcommune.kit.store import ConcurrencyConflict

from ..application.errors import AlreadyRegistered, NotFound
from ..domain.errors import InvalidCommand, PersonalDataGone

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger(__name__)

_HTTP = {
    400: ("bad-request", "Bad request", "Yêu cầu không hợp lệ"),
    404: ("not-found", "Not found", "Không tìm thấy"),
    405: ("method-not-allowed", "Method not allowed", "Phương thức không được phép"),
}


def problem(
    request: Request, status: int, kind: str, title: str, title_vi: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"urn:smartcommune:problem:{kind}", "title": title, "title_vi": title_vi,
        "status": status, "detail": detail, "instance": request.url.path, **extra,
    }  # fmt: skip
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def invalid(request: Request, errors: list[dict[str, str]]) -> JSONResponse:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(
        request, 422, "validation", "Invalid request", "Yêu cầu không hợp lệ", detail,
        errors=errors,
    )  # fmt: skip


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "personal_data", "national_id")` → `personal_data.national_id`."""
    parts = [str(part) for part in loc]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only the field and pydantic's message: echoing the input back (`input`) would copy
    # personal data into responses and, through them, into proxies' logs.
    errors = [
        {"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()
    ]
    return invalid(request, errors or [{"field": "body", "message": "invalid request"}])


async def _invalid_command(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidCommand)
    return invalid(request, [{"field": exc.field, "message": exc.message}])


async def _gone(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PersonalDataGone)
    return problem(
        request, 410, "personal-data-erased", "Personal data erased",
        "Dữ liệu cá nhân đã bị xóa", str(exc), resident_id=exc.resident_id,
    )  # fmt: skip


async def _registered(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AlreadyRegistered)
    extra = {"resident_id": exc.existing} if exc.existing else {}
    return problem(
        request, 409, "already-registered", "Resident already registered", "Cư dân đã được đăng ký",
        str(exc), errors=[{"field": "personal_data.national_id", "message": str(exc)}], **extra,
    )  # fmt: skip


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConcurrencyConflict)
    detail = f"{exc.stream_id} changed meanwhile (version {exc.actual}, not {exc.expected}): retry"
    return problem(
        request, 409, "version-conflict", "Version conflict", "Xung đột phiên bản", detail
    )


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(request, 404, "not-found", "Not found", "Không tìm thấy", str(exc))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    kind, title, title_vi = _HTTP.get(exc.status_code, ("http", "HTTP error", "Lỗi HTTP"))
    response = problem(request, exc.status_code, kind, title, title_vi, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(
        request, 500, "internal", "Internal error", "Lỗi hệ thống", "the error has been logged"
    )


def install_problem_handlers(app: FastAPI) -> None:
    install_auth_error_handlers(app)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidCommand, _invalid_command)
    app.add_exception_handler(PersonalDataGone, _gone)
    app.add_exception_handler(AlreadyRegistered, _registered)
    app.add_exception_handler(ConcurrencyConflict, _conflict)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
