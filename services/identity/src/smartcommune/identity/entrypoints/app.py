"""`create_app(settings)`: the REST API of the identity service (OpenAPI at `/openapi.json`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from smartcommune.kit.auth.rest import principal_dependency
from smartcommune.kit.health import database_check, health_router
from smartcommune.kit.problems import PROBLEM_JSON
from smartcommune.kit.telemetry import TracingMiddleware

from ..bootstrap import Service, bootstrap, run_migrations
from ..ca import ca_router, initialise
from ..settings import Settings
from .problems import install_problem_handlers
from .routes_households import household_router
from .routes_residents import resident_router
from .routes_units import unit_router
from .schemas import Problem

DESCRIPTION = """Residents (pseudonymous) and households of a commune's villages, their VNeID
levels, and their personal data — encrypted with one key per resident, readable only by the
commune's officers (every read audit-logged), and erasable by destroying that key. Every change
is an event on `identity.events.v1`, none of them with personal data. Errors are
`application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    settings = settings or Settings()
    service = service or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            run_migrations(settings)
        if service.ca.settings.init_on_start:
            initialise(service.ca)  # the root and issuing CA, once per database
        yield
        service.engine.dispose()

    app = FastAPI(
        title="Smart Commune Platform — identity", version="1.0.0",
        description=DESCRIPTION, lifespan=lifespan,
    )  # fmt: skip
    app.state.service = service
    install_problem_handlers(app)
    current = principal_dependency(service.verifier)
    app.include_router(resident_router(service, current))
    app.include_router(household_router(service, current))
    app.include_router(unit_router(service, current))
    app.include_router(ca_router(service.ca, current))
    app.include_router(health_router({"database": database_check(service.engine)}))
    app.add_middleware(TracingMiddleware, tracer=service.telemetry.tracer)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error answer declared as problem+json."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in doc["paths"].items():
        if path.startswith(("/healthz", "/readyz", "/ca/")):
            continue  # probes; the CA's router declares its own answers
        for method, operation in operations.items():
            codes = ["401", "403", "422"]
            if "{" in path:
                codes.append("404")
            if path.endswith(("/personal-data", "/vneid", "/erase")):
                codes.append("410")  # the resident's personal data has been erased
            if method == "post":
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses[code] = {"description": "problem details", "content": problem}
    app.openapi_schema = doc
    return doc
