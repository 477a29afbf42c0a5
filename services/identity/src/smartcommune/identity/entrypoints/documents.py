"""The service's published contracts, for `make docs` (entry point `smartcommune.api_documents`,
name `identity`): the OpenAPI document of the REST app and the AsyncAPI document of
`identity.events.v1`, both generated from the code.

The app is built with a throw-away master key and an unused SQLite URL: building connects to
nothing and encrypts nothing, and the documents do not depend on either.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from pydantic import SecretStr

from smartcommune.kit.catalogue import asyncapi_document
from smartcommune.kit.telemetry import setup_telemetry

from ..bootstrap import SERVICE, bootstrap
from ..ca import CaSettings
from ..registry import registry
from ..settings import Settings
from .app import create_app

EVENTS = """Residents (pseudonymous ids), households, VNeID levels, erasures, and the internal
CA's certificates. No event carries a name, an ID number, a phone number, a date of birth or
any key material: a resident is a random id, and only the birth year travels (for working-age
denominators). Keyed by commune code."""


def documents() -> dict[str, dict[str, Any]]:
    key = SecretStr(base64.b64encode(os.urandom(32)).decode())
    settings = Settings(database_url="sqlite://", master_key=key, oidc_issuer="http://docs")
    service = bootstrap(
        settings,
        telemetry=setup_telemetry(SERVICE, set_global=False),
        ca_settings=CaSettings(master_key=key, init_on_start=False),
    )
    app = create_app(settings, service=service)
    try:
        return {
            "openapi": app.openapi(),
            "asyncapi": asyncapi_document(registry, version=app.version, description=EVENTS),
        }
    finally:
        service.engine.dispose()
