"""The two ways a request can fail authentication or authorisation.

They are plain exceptions, free of any web or gRPC framework, so the same verifier and rules
raise the same errors behind FastAPI (→ 401/403 problem+json) and gRPC (→ UNAUTHENTICATED /
PERMISSION_DENIED). Every ``reason`` is written to be shown to the caller: it names what was
wrong with the token or the request, never a key, a secret or a stack trace.
"""

from __future__ import annotations

from typing import ClassVar


class AuthError(Exception):
    """Base of the auth errors; carries the RFC 9457 fields the HTTP layer renders."""

    status: ClassVar[int] = 500
    problem_type: ClassVar[str] = "urn:smartcommune:problem:auth"
    title: ClassVar[str] = "Authentication error"
    title_vi: ClassVar[str] = "Lỗi xác thực"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthorized(AuthError):  # noqa: N818 — named after the HTTP status it maps to
    """No token, or a token we cannot trust: the caller must (re-)authenticate."""

    status = 401
    problem_type = "urn:smartcommune:problem:unauthorized"
    title = "Unauthorized"
    title_vi = "Chưa xác thực"

    def __init__(self, reason: str, *, token_present: bool = True) -> None:
        super().__init__(reason)
        # RFC 6750 §3.1: a request without any token gets a bare challenge, no error code.
        self.token_present = token_present


class Forbidden(AuthError):  # noqa: N818 — named after the HTTP status it maps to
    """A trusted caller asking for something its roles or admin unit do not allow."""

    status = 403
    problem_type = "urn:smartcommune:problem:forbidden"
    title = "Forbidden"
    title_vi = "Không có quyền"
