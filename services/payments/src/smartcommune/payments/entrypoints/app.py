"""`create_app(settings)`: the REST API of the payments service (OpenAPI at `/openapi.json`)."""

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

from ..application.webhook import Notification
from ..bootstrap import Service, bootstrap, run_migrations
from ..settings import Settings
from .problems import install
from .routes_commands import command_router
from .routes_intake import intake_router
from .routes_queries import query_router
from .routes_vietqr import vietqr_router
from .schemas import Problem

DESCRIPTION = """Payment accounts of residents and households, cashless payments, merchants
accepting QR, VietQR payloads, and dossier fees paid by QR. Every change is an event on
`payments.events.v1`; full account numbers never leave the service. Errors are
`application/problem+json` (RFC 9457)."""


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    settings = settings or Settings()
    service = service or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            run_migrations(settings)
        yield
        service.engine.dispose()

    app = FastAPI(
        title="Smart Commune Platform — payments", version="1.0.0",
        description=DESCRIPTION, lifespan=lifespan,
    )  # fmt: skip
    app.state.service = service
    install(app)
    current = principal_dependency(service.verifier)
    app.include_router(command_router(service, current))
    app.include_router(intake_router(service, current))
    app.include_router(query_router(service, current))
    app.include_router(vietqr_router(current))
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
    for model in (Problem, Notification):
        schemas[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if path.startswith(("/healthz", "/readyz")):
                continue
            codes = ["401", "422"]
            if not path.startswith("/webhooks"):
                codes.append("403")
            if "{" in path:
                codes.append("404")
            if method == "post" and not path.startswith("/vietqr"):
                codes.append("409")
            if path == "/imports/statements":
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses[code] = {"description": "problem details", "content": problem}
    app.openapi_schema = doc
    return doc
