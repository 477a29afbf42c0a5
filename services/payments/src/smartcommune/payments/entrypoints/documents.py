"""The service's published contracts, for `make docs` (entry point `smartcommune.api_documents`,
name `payments`): the OpenAPI document of the REST app and the AsyncAPI document of
`payments.events.v1` (and the topics it consumes), both generated from the code.

The app is built on an in-memory SQLite URL and a placeholder issuer: building connects to
nothing, and neither appears in the documents.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from smartcommune.kit.catalogue import asyncapi_document
from smartcommune.kit.telemetry import setup_telemetry

from ..bootstrap import FEES_CONSUMER, RESIDENTS_CONSUMER, SERVICE, bootstrap
from ..domain.events import registry
from ..settings import Settings
from .app import create_app

EVENTS = """Payment accounts opened and closed (masked numbers only), merchants and their QR
acceptance, cashless payments (purpose, channel, amount in VND, pseudonymous payer and payee),
and dossier fees requested with their VietQR payload and paid. Hash-chained per commune and keyed
by commune code. Consumes dossier submissions (fees due) and identity's residents and
households (adoption denominators)."""


def documents() -> dict[str, dict[str, Any]]:
    settings = Settings(database_url="sqlite://", oidc_issuer="http://docs.invalid/realms/docs")
    service = bootstrap(settings, telemetry=setup_telemetry(SERVICE, set_global=False))
    try:
        return {
            "openapi": create_app(settings, service=service).openapi(),
            "asyncapi": asyncapi_document(
                registry,
                version=version("smartcommune-payments"),
                description=EVENTS,
                consumes={
                    settings.dossiers_topic: FEES_CONSUMER,
                    settings.identity_topic: RESIDENTS_CONSUMER,
                },
            ),
        }
    finally:
        service.engine.dispose()
