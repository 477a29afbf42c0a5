"""One error vocabulary for the service: RFC 9457 problem+json, naming the field at fault.

Every refusal maps to a stable `type`, an English `title` with its Vietnamese label, a `detail`
for people and — for bad input — `errors: [{field, message}]`. FastAPI's own 422 body is
replaced so clients parse one shape; an unexpected error is a bare 500 problem (details go to
the log, never to the caller).
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

from ..adapters.import_parsing import ImportFileError
from ..application.errors import DossierExists, DossierNotFound
from ..domain.errors import InconsistentCommand, InvalidTransition

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger(__name__)

#: status → (type suffix, title, Vietnamese title) for the generic HTTP errors
_HTTP = {
    400: ("bad-request", "Bad request", "Yêu cầu không hợp lệ"),
    404: ("not-found", "Not found", "Không tìm thấy"),
    405: ("method-not-allowed", "Method not allowed", "Phương thức không được phép"),
    413: ("too-large", "Request too large", "Yêu cầu quá lớn"),
    415: ("unsupported-media-type", "Unsupported media type", "Kiểu dữ liệu không được hỗ trợ"),
}


def problem(
    request: Request, status: int, kind: str, title: str, title_vi: str, detail: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"urn:smartcommune:problem:{kind}",
        "title": title,
        "title_vi": title_vi,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def invalid(request: Request, errors: list[dict[str, str]], status: int = 422) -> JSONResponse:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(
        request, status, "validation", "Invalid request", "Yêu cầu không hợp lệ", detail,
        errors=errors,
    )  # fmt: skip


def _field(error: Any) -> str:
    """`("body", "fee_vnd")` → `fee_vnd`; the body as a whole is `body`."""
    if error.get("type") == "json_invalid":  # its loc is ("body", <character position>)
        return "body"
    parts = [str(part) for part in error.get("loc", ())]
    if len(parts) > 1 and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: Any) -> str:
    if error.get("type") == "json_invalid":
        loc, reason = error.get("loc", ()), (error.get("ctx") or {}).get("error", "")
        where = f" at character {loc[-1]}" if len(loc) > 1 else ""
        return f"not valid JSON: {reason or 'cannot be decoded'}{where}"
    return str(error.get("msg", ""))


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e), "message": _message(e)} for e in exc.errors()]
    return invalid(request, errors or [{"field": "body", "message": "invalid request"}])


async def _inconsistent(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InconsistentCommand)
    return invalid(request, [{"field": exc.field, "message": exc.message}])


async def _bad_file(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ImportFileError)
    return invalid(request, [{"field": exc.field, "message": exc.message}], status=400)


async def _transition(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidTransition)
    return problem(
        request, 409, "invalid-transition", "Impossible step", "Bước xử lý không hợp lệ", str(exc),
        status_now=exc.status.value, step=exc.step.value, allowed=[s.value for s in exc.allowed],
    )  # fmt: skip


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConcurrencyConflict)
    detail = f"the dossier is at version {exc.actual}, not {exc.expected}: reload and retry"
    return problem(
        request, 409, "version-conflict", "Version conflict", "Xung đột phiên bản", detail,
        expected_version=exc.expected, current_version=exc.actual,
    )  # fmt: skip


async def _exists(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DossierExists)
    return problem(
        request, 409, "already-exists", "Dossier already recorded", "Hồ sơ đã tồn tại", str(exc),
        dossier_id=exc.dossier_id,
    )  # fmt: skip


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return problem(request, 404, "not-found", "Not found", "Không tìm thấy", str(exc))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.__cause__ is not None:
        # FastAPI's "error parsing the body" (JSON that is not UTF-8, or nested past Python's
        # recursion limit): bad input like a JSON syntax error, so the same 422 naming the body.
        return invalid(request, [{"field": "body", "message": _unreadable(exc.__cause__)}])
    kind, title, title_vi = _HTTP.get(exc.status_code, ("http", "HTTP error", "Lỗi HTTP"))
    response = problem(request, exc.status_code, kind, title, title_vi, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unreadable(cause: BaseException) -> str:
    if isinstance(cause, UnicodeError):
        return "not valid JSON: the body must be UTF-8 text"
    if isinstance(cause, RecursionError):
        return "not valid JSON: nested too deeply"
    return "the body cannot be read"


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem(
        request, 500, "internal", "Internal error", "Lỗi hệ thống", "the error has been logged"
    )


def install_problem_handlers(app: FastAPI) -> None:
    install_auth_error_handlers(app)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InconsistentCommand, _inconsistent)
    app.add_exception_handler(ImportFileError, _bad_file)
    app.add_exception_handler(InvalidTransition, _transition)
    app.add_exception_handler(ConcurrencyConflict, _conflict)
    app.add_exception_handler(DossierExists, _exists)
    app.add_exception_handler(DossierNotFound, _not_found)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
