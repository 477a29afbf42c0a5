"""The service's published contracts, for `make docs` (entry point `smartcommune.api_documents`,
name `dossiers`): the OpenAPI document of the REST app and the AsyncAPI document of
`dossiers.events.v1`, both generated from the code.

The app is built on an in-memory SQLite URL and a placeholder issuer: building connects to
nothing, and neither appears in the documents — they hold nothing of the machine that made them.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from smartcommune.kit.catalogue import asyncapi_document
from smartcommune.kit.telemetry import setup_telemetry

from ..bootstrap import SERVICE, bootstrap
from ..domain.events import registry
from ..settings import Settings
from .app import create_app

EVENTS = """The lifecycle of each administrative-procedure dossier and internal work record, one
event per step (submitted, received, refused, processing started, supplement requested and
supplied, extended, stopped, resolved, result returned, rated), hash-chained per commune and keyed
by commune code. Applicants are pseudonymous references; amounts are integer VND."""


def documents() -> dict[str, dict[str, Any]]:
    settings = Settings(database_url="sqlite://", oidc_issuer="http://docs.invalid/realms/docs")
    service = bootstrap(settings, telemetry=setup_telemetry(SERVICE, set_global=False))
    try:
        return {
            "openapi": create_app(settings, service=service).openapi(),
            "asyncapi": asyncapi_document(
                registry, version=version("smartcommune-dossiers"), description=EVENTS
            ),
        }
    finally:
        service.engine.dispose()
