"""The service's published contracts, for `make docs` (entry point `smartcommune.api_documents`,
name `scoring`): the OpenAPI document of the REST app and the AsyncAPI document of
`scoring.events.v1`, generated from the code. Building connects to nothing."""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from smartcommune.kit.catalogue import asyncapi_document
from smartcommune.kit.telemetry import setup_telemetry

from ..adapters.signing import GrpcSigner
from ..application.context import SERVICE
from ..bootstrap import bootstrap
from ..domain.events import registry
from ..settings import SOURCE_TOPICS, Settings
from .app import create_app

EVENTS = """Administrative-unit master data changes (created, changed, merged), and the
recognition workflow: proposals, returns, decisions and revocations signed with the approving
official's certificate (detached CMS over the canonical content), and review flags when a
recognised unit no longer meets its criteria set. Keyed by commune code, hash-chained per
commune; unit changes above commune level on the master-data chain 00000."""


def documents() -> dict[str, dict[str, Any]]:
    settings = Settings(database_url="sqlite://", oidc_issuer="http://docs.invalid/realms/docs")
    service = bootstrap(
        settings, telemetry=setup_telemetry(SERVICE, set_global=False),
        signer=GrpcSigner("docs.invalid:1"),
    )  # fmt: skip
    try:
        return {
            "openapi": create_app(settings, service=service).openapi(),
            "asyncapi": asyncapi_document(
                registry,
                version=version("smartcommune-scoring"),
                description=EVENTS,
                consumes=SOURCE_TOPICS,
            ),
        }
    finally:
        service.engine.dispose()
