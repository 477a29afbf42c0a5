"""One error vocabulary for every FastAPI service: RFC 9457 problem+json, naming the field at fault.

Every refusal maps to a stable `type` (`urn:smartcommune:problem:<kind>`), an English `title`
with its Vietnamese label, a `detail` for people and — for bad input — `errors: [{field,
message}]`. FastAPI's own 422 body is replaced so clients parse one shape; an unexpected error
is a bare 500 problem (details go to the log, never to the caller).

A service declares only its domain exceptions, in a :class:`ProblemCatalogue`, and installs the
lot with :func:`install_problem_handlers`::

    catalogue = ProblemCatalogue()
    catalogue.add(DossierNotFound, 404, "not-found", "Not found", "Không tìm thấy")
    catalogue.add_invalid(InconsistentCommand)  # its `field` and `message` → 422 `errors`
    catalogue.add(InvalidTransition, 409, "invalid-transition", "Impossible step",
                  "Bước xử lý không hợp lệ", extra=lambda e: {"step": e.step.value})
    install_problem_handlers(app, catalogue)

The generic part installed for every service: the kit's 401/403 (`install_auth_error_handlers`),
request-validation errors (422 naming the field; malformed JSON names `body`), Starlette's
HTTP errors (400/404/405/409/413/415/...), the kit's `ConcurrencyConflict` (409
`version-conflict`) and a catch-all 500. A catalogue entry for one of these types replaces it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .auth.rest import install_auth_error_handlers
from .store import ConcurrencyConflict

__all__ = [
    "HTTP_PROBLEMS",
    "PROBLEM_JSON",
    "ProblemCatalogue",
    "ProblemHandler",
    "ProblemKind",
    "install_problem_handlers",
    "invalid",
    "problem",
    "version_conflict",
]

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:smartcommune:problem:"
_log = logging.getLogger(__name__)

E = TypeVar("E", bound=Exception)
#: What Starlette calls for an exception (sync or async); the kit's own handlers are async.
ProblemHandler = Callable[[Request, Exception], Response | Awaitable[Response]]
_Render = Callable[[Request, Exception], Response]


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """The stable part of a problem: status, `type` suffix and the two titles."""

    status: int
    kind: str
    title: str
    title_vi: str


#: status → problem kind for the generic HTTP errors (anything else is `http`, "HTTP error").
HTTP_PROBLEMS: Mapping[int, ProblemKind] = {
    400: ProblemKind(400, "bad-request", "Bad request", "Yêu cầu không hợp lệ"),
    401: ProblemKind(401, "unauthorized", "Unauthorized", "Chưa xác thực"),
    403: ProblemKind(403, "forbidden", "Forbidden", "Không có quyền"),
    404: ProblemKind(404, "not-found", "Not found", "Không tìm thấy"),
    405: ProblemKind(
        405, "method-not-allowed", "Method not allowed", "Phương thức không được phép"
    ),
    406: ProblemKind(406, "not-acceptable", "Not acceptable", "Không chấp nhận được"),
    409: ProblemKind(409, "conflict", "Conflict", "Xung đột"),
    410: ProblemKind(410, "gone", "Gone", "Không còn tồn tại"),
    413: ProblemKind(413, "too-large", "Request too large", "Yêu cầu quá lớn"),
    415: ProblemKind(
        415, "unsupported-media-type", "Unsupported media type", "Kiểu dữ liệu không được hỗ trợ"
    ),
    429: ProblemKind(429, "too-many-requests", "Too many requests", "Quá nhiều yêu cầu"),
    503: ProblemKind(503, "unavailable", "Service unavailable", "Dịch vụ tạm thời không sẵn sàng"),
}


def problem(
    request: Request, status: int, kind: str, title: str, title_vi: str, detail: str, **extra: Any
) -> JSONResponse:
    """An `application/problem+json` answer; `extra` members are added to the body as they are."""
    body = {
        "type": f"{PROBLEM_TYPE_PREFIX}{kind}",
        "title": title,
        "title_vi": title_vi,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def invalid(request: Request, errors: list[dict[str, str]], status: int = 422) -> JSONResponse:
    """Bad input: `errors` is `[{field, message}]`; the detail joins them as `field: message`."""
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(
        request, status, "validation", "Invalid request", "Yêu cầu không hợp lệ", detail,
        errors=errors,
    )  # fmt: skip


def version_conflict(
    request: Request, exc: ConcurrencyConflict, detail: str | None = None, **extra: Any
) -> JSONResponse:
    """409 `version-conflict` for a stream that moved on; `detail` may word it for the domain."""
    if detail is None:
        detail = (
            f"{exc.stream_id} changed meanwhile (version {exc.actual}, not {exc.expected}): retry"
        )
    return problem(
        request, 409, "version-conflict", "Version conflict", "Xung đột phiên bản", detail, **extra
    )


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    """`[{field, message}]` of a request-validation error — never pydantic's `input`, which
    would copy personal data into responses and, through them, into proxies' logs."""
    errors = [{"field": _field(e), "message": _message(e)} for e in exc.errors()]
    return errors or [{"field": "body", "message": "invalid request"}]


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


def _unreadable(cause: BaseException) -> str:
    if isinstance(cause, UnicodeError):
        return "not valid JSON: the body must be UTF-8 text"
    if isinstance(cause, RecursionError):
        return "not valid JSON: nested too deeply"
    return "the body cannot be read"


def render_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return invalid(request, validation_errors(exc))


def render_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.__cause__ is not None:
        # FastAPI's "error parsing the body" (JSON that is not UTF-8, or nested past Python's
        # recursion limit): bad input like a JSON syntax error, so the same 422 naming the body.
        return invalid(request, [{"field": "body", "message": _unreadable(exc.__cause__)}])
    known = HTTP_PROBLEMS.get(exc.status_code)
    kind, title, title_vi = (
        (known.kind, known.title, known.title_vi) if known else ("http", "HTTP error", "Lỗi HTTP")
    )
    response = problem(request, exc.status_code, kind, title, title_vi, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def render_conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConcurrencyConflict)
    return version_conflict(request, exc)


def render_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request, 500, "internal", "Internal error", "Lỗi hệ thống", "the error has been logged"
    )


class ProblemCatalogue(Mapping[type[Exception], ProblemHandler]):
    """A service's domain exceptions → their problem answers.

    A read-only `Mapping[type[Exception], handler]` of async handlers, ready for
    `app.add_exception_handler`; :meth:`render` answers synchronously (e.g. from a route class),
    choosing the most specific registered type along the exception's MRO.
    """

    def __init__(self) -> None:
        self._renders: dict[type[Exception], _Render] = {}

    def add(
        self,
        exc_type: type[E],
        status: int,
        kind: str,
        title: str,
        title_vi: str,
        *,
        detail: Callable[[E], str] = str,
        extra: Callable[[E], Mapping[str, Any]] | None = None,
    ) -> ProblemCatalogue:
        """`exc_type` answers `status` with this kind and titles; `detail` defaults to
        `str(exc)`, `extra` gives more members of the body (e.g. the id at fault)."""

        def render(request: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, exc_type)
            members = dict(extra(exc)) if extra is not None else {}
            return problem(request, status, kind, title, title_vi, detail(exc), **members)

        return self.add_handler(exc_type, render)

    def add_invalid(
        self,
        exc_type: type[E],
        *,
        status: int = 422,
        errors: Callable[[E], list[dict[str, str]]] | None = None,
    ) -> ProblemCatalogue:
        """Bad input: by default the exception's `field` and `message` attributes name the fault."""

        def render(request: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, exc_type)
            found = errors(exc) if errors is not None else [_field_error(exc)]
            return invalid(request, found, status=status)

        return self.add_handler(exc_type, render)

    def add_handler(
        self, exc_type: type[E], render: Callable[[Request, Exception], Response]
    ) -> ProblemCatalogue:
        """Any synchronous `render(request, exc)` for `exc_type` (the escape hatch)."""
        self._renders[exc_type] = render
        return self

    def render(self, request: Request, exc: Exception) -> Response | None:
        """The answer for `exc`, or None when no registered type is among its bases."""
        for base in type(exc).__mro__:
            found = self._renders.get(base)
            if found is not None:
                return found(request, exc)
        return None

    def __getitem__(self, exc_type: type[Exception]) -> ProblemHandler:
        render = self._renders[exc_type]

        async def handle(request: Request, exc: Exception) -> Response:
            return render(request, exc)

        return handle

    def __iter__(self) -> Iterator[type[Exception]]:
        return iter(self._renders)

    def __len__(self) -> int:
        return len(self._renders)


def _field_error(exc: Exception) -> dict[str, str]:
    return {
        "field": str(getattr(exc, "field", "body")),
        "message": str(getattr(exc, "message", exc)),
    }


def _async(render: _Render) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        return render(request, exc)

    return handle


def install_problem_handlers(
    app: FastAPI, extra: Mapping[type[Exception], ProblemHandler] | None = None
) -> None:
    """The kit's generic problem handlers, then the service's own (`extra`, e.g. a
    :class:`ProblemCatalogue`), which win for the same exception type."""
    install_auth_error_handlers(app)
    app.add_exception_handler(RequestValidationError, _async(render_validation))
    app.add_exception_handler(HTTPException, _async(render_http))
    app.add_exception_handler(ConcurrencyConflict, _async(render_conflict))
    app.add_exception_handler(Exception, _async(render_unexpected))
    for exc_type, handler in (extra or {}).items():
        app.add_exception_handler(exc_type, handler)
