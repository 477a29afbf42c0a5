"""The gRPC interceptor on a real in-process server (generic bytes handlers, no stubs)."""

from collections.abc import Iterator
from concurrent import futures

import grpc
import httpx
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from smartcommune.kit.auth import COMMUNE_OFFICER, DISTRICT_OFFICER, ClientCredentials, Rule
from smartcommune.kit.auth.grpc_client import bearer_call_credentials, bearer_metadata
from smartcommune.kit.auth.grpc_server import (
    PUBLIC,
    AuthInterceptor,
    MethodRule,
    current_principal,
)
from smartcommune.kit.auth.testing import LocalIssuer

RULES: dict[str, Rule | MethodRule] = {
    # The request body *is* the target unit path, to keep the handlers stub-free.
    "/test.v1.Units/Record": MethodRule(
        Rule(roles={COMMUNE_OFFICER}, write=True, services={"scoring"}),
        unit_from=lambda request: request.decode(),
    ),
    "/test.v1.Units/Sign": MethodRule(
        Rule(roles={DISTRICT_OFFICER}, write=True), unit_from=lambda request: request.decode()
    ),
    "/test.v1.Units/Watch": Rule(roles={COMMUNE_OFFICER}, scope="any"),
    "/grpc.health.v1.Health/Check": PUBLIC,  # probes carry no token
}


def raw(data: bytes) -> bytes:
    """Identity (de)serialiser: the tests speak bytes, no generated stubs needed."""
    return data


def whoami(request: bytes, context: grpc.ServicerContext) -> bytes:
    return current_principal().username.encode()


def watch(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
    for n in range(3):
        yield f"{current_principal().username}:{n}".encode()


HANDLERS = grpc.method_handlers_generic_handler(
    "test.v1.Units",
    {
        "Record": grpc.unary_unary_rpc_method_handler(whoami),
        "Sign": grpc.unary_unary_rpc_method_handler(whoami),
        "Unruled": grpc.unary_unary_rpc_method_handler(whoami),
        "Watch": grpc.unary_stream_rpc_method_handler(watch),
    },
)


@pytest.fixture(scope="module")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="module")
def port(issuer: LocalIssuer) -> Iterator[int]:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        interceptors=[AuthInterceptor(issuer.verifier("identity"), RULES)],
    )
    server.add_generic_rpc_handlers((HANDLERS,))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    # Local credentials: call credentials (and so ClientCredentials) need a non-plaintext channel.
    bound = server.add_secure_port("127.0.0.1:0", grpc.local_server_credentials())
    server.start()
    yield bound
    server.stop(grace=None)


@pytest.fixture
def channel(port: int) -> Iterator[grpc.Channel]:
    with grpc.secure_channel(f"127.0.0.1:{port}", grpc.local_channel_credentials()) as ch:
        yield ch


def call(channel: grpc.Channel, method: str, unit: str, token: str | None) -> bytes:
    metadata = bearer_metadata(token) if token else None
    stub = channel.unary_unary(f"/test.v1.Units/{method}", raw, raw)
    return stub(unit.encode(), metadata=metadata, timeout=5)


def status_of(channel: grpc.Channel, method: str, unit: str, token: str | None) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as caught:
        call(channel, method, unit, token)
    return caught.value.code()


CAO_PHONG = "VN-26/song-lo/cao-phong"


def test_good_token_reaches_the_handler_which_sees_the_principal(
    channel: grpc.Channel, issuer: LocalIssuer
) -> None:
    assert call(channel, "Record", f"{CAO_PHONG}/thon-1", issuer.mint()) == b"commune.officer"


def test_no_token_is_unauthenticated(channel: grpc.Channel) -> None:
    assert status_of(channel, "Record", CAO_PHONG, None) == grpc.StatusCode.UNAUTHENTICATED


def test_expired_token_is_unauthenticated(channel: grpc.Channel, issuer: LocalIssuer) -> None:
    token = issuer.mint(lifetime=-60)
    assert status_of(channel, "Record", CAO_PHONG, token) == grpc.StatusCode.UNAUTHENTICATED


def test_unit_outside_the_subtree_is_permission_denied(
    channel: grpc.Channel, issuer: LocalIssuer
) -> None:
    neighbour = issuer.mint("neighbour.officer", admin_unit="VN-26/song-lo/lang-cong")
    with pytest.raises(grpc.RpcError) as caught:
        call(channel, "Record", CAO_PHONG, neighbour)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "outside your unit" in (caught.value.details() or "")


def test_role_not_in_the_rule_is_permission_denied(
    channel: grpc.Channel, issuer: LocalIssuer
) -> None:
    assert status_of(channel, "Sign", CAO_PHONG, issuer.mint()) == grpc.StatusCode.PERMISSION_DENIED


def test_method_without_a_rule_is_permission_denied(
    channel: grpc.Channel, issuer: LocalIssuer
) -> None:
    code = status_of(channel, "Unruled", CAO_PHONG, issuer.mint())
    assert code == grpc.StatusCode.PERMISSION_DENIED


def test_unknown_method_stays_unimplemented(channel: grpc.Channel, issuer: LocalIssuer) -> None:
    assert status_of(channel, "Nope", CAO_PHONG, issuer.mint()) == grpc.StatusCode.UNIMPLEMENTED


def test_streamed_responses_see_the_principal(channel: grpc.Channel, issuer: LocalIssuer) -> None:
    stream = channel.unary_stream("/test.v1.Units/Watch", raw, raw)(
        b"", metadata=bearer_metadata(issuer.mint()), timeout=5
    )
    assert list(stream) == [b"commune.officer:0", b"commune.officer:1", b"commune.officer:2"]


def test_service_account_named_by_the_rule_calls_with_client_credentials(
    port: int, issuer: LocalIssuer
) -> None:
    token_endpoint = httpx.MockTransport(
        lambda request: httpx.Response(
            200, json={"access_token": issuer.service_token("scoring"), "expires_in": 300}
        )
    )
    provider = ClientCredentials(
        "http://keycloak.invalid/token", "scoring", "s3cret",
        http_client=httpx.Client(transport=token_endpoint),
    )  # fmt: skip
    credentials = grpc.composite_channel_credentials(
        grpc.local_channel_credentials(), bearer_call_credentials(provider)
    )
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials) as channel:
        answer = channel.unary_unary("/test.v1.Units/Record", raw, raw)(
            CAO_PHONG.encode(), timeout=5
        )
        assert answer == b"service-account-scoring"
        with pytest.raises(grpc.RpcError) as caught:
            channel.unary_unary("/test.v1.Units/Sign", raw, raw)(CAO_PHONG.encode(), timeout=5)
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_health_check_is_public_but_other_health_methods_are_not(channel: grpc.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    reply = stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as caught:
        next(iter(stub.Watch(health_pb2.HealthCheckRequest(), timeout=5)))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_current_principal_outside_a_call_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="AuthInterceptor"):
        current_principal()


def test_subtree_rule_for_people_without_unit_source_is_refused_at_startup(
    issuer: LocalIssuer,
) -> None:
    with pytest.raises(ValueError, match="unit_from"):
        AuthInterceptor(issuer.verifier(), {"/x.v1.S/M": Rule(roles={COMMUNE_OFFICER})})
