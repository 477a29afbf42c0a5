"""The service's published contracts, for `make docs` (entry point `smartcommune.api_documents`,
name `techteams`): the OpenAPI document of the REST app and the AsyncAPI document of
`techteams.events.v1` (and the identity topic it consumes), both generated from the code.

The app is built on an in-memory SQLite URL and a placeholder issuer: building connects to
nothing, and neither appears in the documents. The consumed topic's operation names the consumer
group the service really reads it with (`Settings.identity_consumer`, `techteams.households`):
the kit's catalogue gives every consumed topic `<service>.projections`, which is not ours.
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

EVENTS = """The work of community digital-technology teams, hash-chained per commune and keyed by
commune code: teams established by commune decision and their membership (joined, left, leader
changed, account linked, dissolved); tasks (created, assigned, completed with an outcome,
cancelled); household surveys (one stream per household: its last event is its latest survey);
facility attestations (one stream per village and facility, with the evidence's SHA-256); and
training sessions with their attendees. People appear only as pseudonymous ids."""


def documents() -> dict[str, dict[str, Any]]:
    settings = Settings(database_url="sqlite://", oidc_issuer="http://docs.invalid/realms/docs")
    service = bootstrap(settings, telemetry=setup_telemetry(SERVICE, set_global=False))
    try:
        return {
            "openapi": create_app(settings, service=service).openapi(),
            "asyncapi": asyncapi_document(
                registry,
                version=version("smartcommune-techteams"),
                description=EVENTS,
                consumes={settings.identity_topic: settings.identity_consumer},
            ),
        }
    finally:
        service.engine.dispose()
