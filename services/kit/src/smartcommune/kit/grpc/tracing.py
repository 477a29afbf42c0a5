"""Trace context across gRPC: a CLIENT span per call with `traceparent` in the metadata, and a
SERVER span per handled call continuing it, so a trace crosses from one service into the next.

Health checks and reflection are not traced: Kubernetes probes call `Check` every few seconds and
would bury the real traffic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import grpc
from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from smartcommune.kit.telemetry.messaging import extract_context

_UNTRACED = ("/grpc.health.v1.", "/grpc.reflection.")


def rpc_attributes(method: str) -> dict[str, str]:
    """`/identity.v1.Signing/Sign` → the semantic-convention rpc.* attributes."""
    service, _, name = method.lstrip("/").rpartition("/")
    return {"rpc.system": "grpc", "rpc.service": service, "rpc.method": name}


def start_client_span(tracer: Tracer, method: str) -> tuple[Span, list[tuple[str, str]]]:
    """A CLIENT span for `method` and the metadata entries that carry it to the server."""
    span = tracer.start_span(
        method.lstrip("/"), kind=SpanKind.CLIENT, attributes=rpc_attributes(method)
    )
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    return span, sorted(carrier.items())


def end_client_span(span: Span, call: grpc.Future[Any]) -> None:
    """Done-callback of the call: record its status code, then end the span."""
    code = call.code() if isinstance(call, grpc.Call) else grpc.StatusCode.UNKNOWN
    span.set_attribute("rpc.grpc.status_code", code.value[0])
    if code is not grpc.StatusCode.OK:
        span.set_status(Status(StatusCode.ERROR, code.name))
    span.end()


class ServerTracingInterceptor(grpc.ServerInterceptor):
    """Wraps each method's behaviour in a SERVER span whose parent comes from the metadata."""

    def __init__(self, tracer: Tracer | None = None) -> None:
        self._tracer = tracer or trace.get_tracer("smartcommune.kit")

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[Any, Any] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = continuation(handler_call_details)
        method = handler_call_details.method
        if handler is None or method.startswith(_UNTRACED):
            return handler
        found: Callable[[Any, grpc.ServicerContext], Any] | None = (
            handler.unary_unary or handler.unary_stream or handler.stream_unary
        ) or handler.stream_stream
        assert found is not None  # a method handler always has exactly one behaviour
        behaviour = found
        parent = extract_context(handler_call_details.invocation_metadata)
        attributes = rpc_attributes(method)

        def span() -> AbstractContextManager[Span]:
            return self._tracer.start_as_current_span(
                method.lstrip("/"), context=parent, kind=SpanKind.SERVER, attributes=attributes
            )

        def unary_response(request: Any, context: grpc.ServicerContext) -> Any:
            with span() as current:
                response = behaviour(request, context)
                _record_code(current, context)
                return response

        def streaming_response(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            with span() as current:  # open until the last message is produced
                yield from behaviour(request, context)
                _record_code(current, context)

        make = {
            (False, False): grpc.unary_unary_rpc_method_handler,
            (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler,
            (True, True): grpc.stream_stream_rpc_method_handler,
        }[(handler.request_streaming, handler.response_streaming)]
        return make(
            streaming_response if handler.response_streaming else unary_response,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


def _record_code(span: Span, context: grpc.ServicerContext) -> None:
    """A handler may fail by `set_code` without raising; mark the span failed then too."""
    code = getattr(context, "code", lambda: None)()
    if isinstance(code, grpc.StatusCode) and code is not grpc.StatusCode.OK:
        span.set_attribute("rpc.grpc.status_code", code.value[0])
        span.set_status(Status(StatusCode.ERROR, code.name))
