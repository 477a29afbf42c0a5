"""Start-up refuses to run without a proper master key, and the published contracts (OpenAPI,
AsyncAPI) are generated from the code — with no personal-data field in any event."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import SecretStr

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.identity.adapters.crypto import KeyConfigurationError
from smartcommune.identity.bootstrap import Service, bootstrap, start_grpc
from smartcommune.identity.domain.events import registry as domain_registry
from smartcommune.identity.entrypoints.app import create_app
from smartcommune.identity.entrypoints.documents import documents
from smartcommune.identity.registry import registry
from smartcommune.identity.settings import Settings

PERSONAL_FIELDS = {"full_name", "name", "national_id", "date_of_birth", "phone", "address"}


@pytest.mark.parametrize(
    "key", [None, SecretStr("c2hvcnQ="), SecretStr("not base64, though long enough for a password")]
)
def test_the_service_will_not_start_without_a_proper_master_key(
    tmp_path: Path, key: SecretStr | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMARTCOMMUNE_IDENTITY_MASTER_KEY", raising=False)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", master_key=key)
    with pytest.raises(KeyConfigurationError, match="SMARTCOMMUNE_IDENTITY_MASTER_KEY"):
        bootstrap(settings)
    with pytest.raises(KeyConfigurationError):
        create_app(settings)


def test_no_event_of_the_service_has_a_field_for_personal_data() -> None:
    for event_type in domain_registry.event_types:
        for version in range(1, domain_registry.latest_version(event_type) + 1):
            fields = set(domain_registry.model(event_type, version).model_fields)
            assert not fields & PERSONAL_FIELDS, event_type


def test_the_documents_describe_the_api_and_every_event_type() -> None:
    docs = documents()
    paths = docs["openapi"]["paths"]
    assert {
        "/residents",
        "/residents/{resident_id}/personal-data",
        "/units/{unit_code}/counts",
    } <= set(paths)
    gone = paths["/residents/{resident_id}/personal-data"]["get"]["responses"]["410"]
    assert "application/problem+json" in gone["content"]
    text = json.dumps(docs["asyncapi"])
    assert "identity.events.v1" in text
    for event_type in registry.event_types:
        assert event_type in text
    assert documents() == docs  # stable, so `make docs --check` can compare bytes


def test_the_documents_are_declared_for_make_docs() -> None:
    points = {p.name: p.value for p in entry_points(group="smartcommune.api_documents")}
    assert points["identity"] == "smartcommune.identity.entrypoints.documents:documents"


def test_the_bootstrap_starts_the_signing_service_with_health_behind_the_auth_interceptor(
    tmp_path: Path, service_factory: Callable[..., Service]
) -> None:
    service = service_factory(tmp_path, grpc_port=0)
    serving = start_grpc(service)
    try:
        with grpc.insecure_channel(f"127.0.0.1:{serving.port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest(service="identity.v1.Signing")
            assert health.Check(request, timeout=5).status == health_pb2.HealthCheckResponse.SERVING
            sign = signing_pb2_grpc.SigningStub(channel)
            with pytest.raises(grpc.RpcError) as refused:
                sign.Sign(signing_pb2.SignRequest(document=b"{}"), timeout=5)  # no token
            assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    finally:
        serving.stop(grace=1)
        service.engine.dispose()
