"""Client channels to other services: bearer token and trace context on every call.

The token travels as metadata added by a client interceptor rather than as call credentials,
because gRPC sends call credentials only over TLS: inside a cluster the platform may talk
plaintext behind a service mesh, and the token must still arrive. The provider is asked on every
call, so a client-credentials source can refresh the token without rebuilding the channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry import trace
from opentelemetry.trace import Tracer

from smartcommune.kit.grpc.tracing import end_client_span, start_client_span

TokenProvider = Callable[[], str]


@dataclass(frozen=True)
class _CallDetails(grpc.ClientCallDetails):
    method: str
    timeout: float | None
    metadata: tuple[tuple[str, str | bytes], ...] | None
    credentials: grpc.CallCredentials | None
    wait_for_ready: bool | None
    compression: grpc.Compression | None


class MetadataInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds `authorization` (when a provider is set) and W3C trace context, in a CLIENT span."""

    def __init__(self, token_provider: TokenProvider | None, tracer: Tracer) -> None:
        self._token_provider = token_provider
        self._tracer = tracer

    def _call(self, continuation: Callable[[Any, Any], Any], details: Any, request: Any) -> Any:
        span, trace_metadata = start_client_span(self._tracer, details.method)
        metadata = [*(details.metadata or ()), *trace_metadata]
        try:
            if self._token_provider is not None:
                metadata.append(("authorization", f"Bearer {self._token_provider()}"))
            new_details = _CallDetails(
                details.method,
                details.timeout,
                tuple(metadata),
                details.credentials,
                details.wait_for_ready,
                details.compression,
            )
            call = continuation(new_details, request)
        except BaseException as exc:
            span.record_exception(exc)
            span.end()
            raise
        call.add_done_callback(lambda done: end_client_span(span, done))
        return call

    def intercept_unary_unary(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return self._call(continuation, client_call_details, request)

    def intercept_unary_stream(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        return self._call(continuation, client_call_details, request)

    def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, request_iterator: Iterator[Any]
    ) -> Any:
        return self._call(continuation, client_call_details, request_iterator)

    def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, request_iterator: Iterator[Any]
    ) -> Any:
        return self._call(continuation, client_call_details, request_iterator)


def channel(
    target: str,
    *,
    token_provider: TokenProvider | None = None,
    interceptors: Sequence[Any] = (),
    root_certificates: bytes | None = None,
    tracer: Tracer | None = None,
    options: Sequence[tuple[str, Any]] = (),
) -> grpc.Channel:
    """A channel to `target` (`host:port`); TLS when `root_certificates` (PEM) is given.

    Nothing connects until the first call. Close it (`with channel(...) as ch:` or `.close()`).
    """
    base = (
        grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates), options)
        if root_certificates is not None
        else grpc.insecure_channel(target, options)
    )
    tracing = MetadataInterceptor(token_provider, tracer or trace.get_tracer("smartcommune.kit"))
    return grpc.intercept_channel(base, tracing, *interceptors)
