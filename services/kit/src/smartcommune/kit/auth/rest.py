"""FastAPI glue: who is calling, may they, and RFC 9457 answers when not.

Usage::

    current = principal_dependency(verifier)
    install_auth_error_handlers(app)

    @app.get("/units/{unit:path}/dossiers")
    def list_dossiers(p: Annotated[Principal, Depends(require(current, READ, unit_from="unit"))]):
        ...

When the target unit is only known from the request body, depend on ``current`` and call
:func:`authorize` in the handler once the body is parsed.
"""

# No `from __future__ import annotations` here: FastAPI reads the dependency signatures below
# at runtime, and they refer to closure variables that postponed annotations could not resolve.

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from smartcommune.kit.auth.errors import AuthError, Unauthorized
from smartcommune.kit.auth.principal import Principal
from smartcommune.kit.auth.scoping import Rule, authorize
from smartcommune.kit.auth.verifier import TokenVerifier

PROBLEM_JSON = "application/problem+json"
REALM = "smartcommune"

UnitSource = str | Callable[[Request], str | None]

# auto_error=False: a missing token must become *our* 401 problem, not FastAPI's default body.
_bearer = HTTPBearer(auto_error=False, description="Keycloak access token")


def principal_dependency(verifier: TokenVerifier) -> Callable[..., Principal]:
    """A dependency returning the verified :class:`Principal` of the request."""

    def current_principal(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise Unauthorized("a bearer token is required", token_present=False)
        return verifier.verify(credentials.credentials)

    return current_principal


def require(
    current: Callable[..., Principal], rule: Rule, unit_from: UnitSource | None = None
) -> Callable[..., Principal]:
    """A dependency that authorises ``rule`` and returns the principal.

    ``unit_from`` names a path or query parameter holding the target admin unit, or is a
    function of the request. A subtree rule without one could never admit anyone, so it is
    refused here, when the route is declared, rather than at the first request.
    """
    if rule.scope == "subtree" and unit_from is None and rule.roles:
        raise ValueError("a subtree-scoped rule needs unit_from to find the target unit")

    def authorized_principal(
        request: Request, principal: Annotated[Principal, Depends(current)]
    ) -> Principal:
        authorize(principal, rule, _target_unit(request, unit_from))
        return principal

    return authorized_principal


def _target_unit(request: Request, unit_from: UnitSource | None) -> str | None:
    if unit_from is None:
        return None
    if callable(unit_from):
        return unit_from(request)
    return request.path_params.get(unit_from) or request.query_params.get(unit_from)


def install_auth_error_handlers(app: FastAPI) -> None:
    """Render :class:`Unauthorized` / :class:`Forbidden` as RFC 9457 problem+json."""
    app.add_exception_handler(AuthError, _problem)


def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)  # registered for AuthError only
    body = {
        "type": exc.problem_type,
        "title": exc.title,
        "title_vi": exc.title_vi,
        "status": exc.status,
        "detail": exc.reason,
        "instance": request.url.path,
    }
    headers = {}
    if isinstance(exc, Unauthorized):
        # RFC 6750 §3: tell the client how to authenticate, and why its token was refused.
        challenge = f'Bearer realm="{REALM}"'
        if exc.token_present:
            detail = exc.reason.replace("\\", "").replace('"', "'")
            challenge += f', error="invalid_token", error_description="{detail}"'
        headers["WWW-Authenticate"] = challenge
    return JSONResponse(body, status_code=exc.status, headers=headers, media_type=PROBLEM_JSON)
