"""The gRPC helpers: health and reflection on every server, token and trace on every call."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.kit.grpc import Serving, channel, serve
from smartcommune.kit.telemetry import setup_telemetry

SIGNING = signing_pb2.DESCRIPTOR.services_by_name["Signing"].full_name


class FakeSigning(signing_pb2_grpc.SigningServicer):
    def Sign(  # noqa: N802 — the generated servicer's method name
        self, request: signing_pb2.SignRequest, context: grpc.ServicerContext
    ) -> signing_pb2.SignResponse:
        if request.purpose == "forbidden":
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "not your unit")
        return signing_pb2.SignResponse(cms_signature=b"sig:" + request.document)

    def Verify(  # noqa: N802
        self, request: signing_pb2.VerifyRequest, context: grpc.ServicerContext
    ) -> signing_pb2.VerifyResponse:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "not needed here")

    def GetCertificateChain(  # noqa: N802
        self, request: signing_pb2.GetCertificateChainRequest, context: grpc.ServicerContext
    ) -> signing_pb2.CertificateChain:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "not needed here")


class Echo:
    """A bytes-in, bytes-out service that remembers the metadata each call arrived with."""

    def __init__(self) -> None:
        self.metadata: list[dict[str, str | bytes]] = []

    def echo(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        self.metadata.append(dict(context.invocation_metadata()))
        return request

    def repeat(self, request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        yield from (request, request)

    def register(self, server: grpc.Server) -> None:
        handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
            "Echo": grpc.unary_unary_rpc_method_handler(self.echo),
            "Repeat": grpc.unary_stream_rpc_method_handler(self.repeat),
        }
        server.add_generic_rpc_handlers(
            [grpc.method_handlers_generic_handler("test.Echo", handlers)]
        )


@pytest.fixture
def server_spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def serving(server_spans: InMemorySpanExporter, echo: Echo) -> Iterator[Serving]:
    tracer = setup_telemetry("identity", span_exporter=server_spans, set_global=False).tracer
    running = serve(
        [
            functools.partial(signing_pb2_grpc.add_SigningServicer_to_server, FakeSigning()),
            echo.register,
        ],
        port=0,
        service_names=[SIGNING],
        tracer=tracer,
    )
    yield running
    running.stop(grace=None)


def test_health_reports_serving_for_the_server_and_each_named_service(serving: Serving) -> None:
    assert serving.port > 0
    with channel(f"127.0.0.1:{serving.port}") as ch:
        stub = health_pb2_grpc.HealthStub(ch)
        for name in ("", SIGNING):
            reply = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.RpcError) as unknown:
            stub.Check(health_pb2.HealthCheckRequest(service="nope.v1.Nope"), timeout=5)
        assert unknown.value.code() is grpc.StatusCode.NOT_FOUND


def test_reflection_lists_the_services(serving: Serving) -> None:
    with channel(f"127.0.0.1:{serving.port}") as ch:
        services = set(ProtoReflectionDescriptorDatabase(ch).get_services())
    assert services == {
        SIGNING,
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }


def test_the_token_provider_is_asked_on_every_call_and_its_token_arrives(
    serving: Serving, echo: Echo
) -> None:
    tokens = iter(["token-1", "token-2"])
    with channel(f"127.0.0.1:{serving.port}", token_provider=lambda: next(tokens)) as ch:
        call: grpc.UnaryUnaryMultiCallable[bytes, bytes] = ch.unary_unary("/test.Echo/Echo")
        assert call(b"hi", timeout=5) == b"hi"
        call(b"again", timeout=5, metadata=(("x-request-id", "r-2"),))
    assert [m["authorization"] for m in echo.metadata] == ["Bearer token-1", "Bearer token-2"]
    assert echo.metadata[1]["x-request-id"] == "r-2"  # the caller's own metadata is kept


def test_a_trace_started_by_the_client_continues_in_the_server(
    serving: Serving, server_spans: InMemorySpanExporter
) -> None:
    client_spans = InMemorySpanExporter()
    tracer = setup_telemetry("scoring", span_exporter=client_spans, set_global=False).tracer
    with (
        tracer.start_as_current_span("decide") as root,
        channel(f"127.0.0.1:{serving.port}", tracer=tracer) as ch,
    ):
        reply = signing_pb2_grpc.SigningStub(ch).Sign(
            signing_pb2.SignRequest(document=b"{}"), timeout=5
        )
    assert reply.cms_signature == b"sig:{}"

    client = next(s for s in client_spans.get_finished_spans() if s.kind is SpanKind.CLIENT)
    (server,) = server_spans.get_finished_spans()
    assert server.kind is SpanKind.SERVER
    assert server.name == "identity.v1.Signing/Sign"
    assert server.context.trace_id == root.get_span_context().trace_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    assert client.attributes is not None
    assert client.attributes["rpc.grpc.status_code"] == 0


def test_a_refused_call_marks_both_spans_failed(
    serving: Serving, server_spans: InMemorySpanExporter
) -> None:
    client_spans = InMemorySpanExporter()
    tracer = setup_telemetry("scoring", span_exporter=client_spans, set_global=False).tracer
    with channel(f"127.0.0.1:{serving.port}", tracer=tracer) as ch, pytest.raises(grpc.RpcError):
        signing_pb2_grpc.SigningStub(ch).Sign(
            signing_pb2.SignRequest(purpose="forbidden"), timeout=5
        )
    (client,) = client_spans.get_finished_spans()
    (server,) = server_spans.get_finished_spans()
    assert client.status.status_code is StatusCode.ERROR
    assert client.attributes is not None
    assert client.attributes["rpc.grpc.status_code"] == grpc.StatusCode.PERMISSION_DENIED.value[0]
    assert server.status.status_code is StatusCode.ERROR


def test_a_streamed_response_is_traced_until_its_last_message(
    serving: Serving, server_spans: InMemorySpanExporter
) -> None:
    with channel(f"127.0.0.1:{serving.port}") as ch:
        repeat: grpc.UnaryStreamMultiCallable[bytes, bytes] = ch.unary_stream("/test.Echo/Repeat")
        assert list(repeat(b"x", timeout=5)) == [b"x", b"x"]
    (server,) = server_spans.get_finished_spans()
    assert server.name == "test.Echo/Repeat"


def test_health_checks_are_not_traced(serving: Serving, server_spans: InMemorySpanExporter) -> None:
    with channel(f"127.0.0.1:{serving.port}") as ch:
        health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=5)
    assert server_spans.get_finished_spans() == ()
