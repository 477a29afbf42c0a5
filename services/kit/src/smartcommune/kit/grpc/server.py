"""Start a service's gRPC server with what every service needs: health, reflection, tracing.

The standard health service lets Kubernetes use native gRPC probes, and reflection lets an
operator explore a live server with grpcurl without holding the `.proto` files. Binding to
127.0.0.1 by default keeps test and developer servers off the network; pods pass `0.0.0.0`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.trace import Tracer

from smartcommune.kit.grpc.tracing import ServerTracingInterceptor

Registrar = Callable[[grpc.Server], None]
"""Adds one servicer, e.g. `functools.partial(add_SigningServicer_to_server, SigningImpl())`."""


@dataclass(frozen=True)
class Serving:
    """A started server, the port it bound, and its health servicer (to flip during shutdown)."""

    server: grpc.Server
    port: int
    health: Any  # grpc_health.v1.health.HealthServicer, which ships no type information
    service_names: tuple[str, ...]

    def stop(self, grace: float | None = 5.0) -> None:
        """Report NOT_SERVING first, so load balancers stop routing here, then drain and stop."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace).wait()


def serve(
    servicers: Iterable[Registrar],
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    interceptors: Sequence[grpc.ServerInterceptor] = (),
    service_names: Sequence[str] = (),
    credentials: grpc.ServerCredentials | None = None,
    tracer: Tracer | None = None,
    max_workers: int = 8,
) -> Serving:
    """Build, bind and start a server; `port=0` picks a free port (see `Serving.port`).

    `service_names` are the full names (`identity.v1.Signing`) reported SERVING by the health
    service and listed by reflection. Tracing runs first, so calls refused by a later
    interceptor (authentication) still show up in traces.
    """
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc"),
        interceptors=[ServerTracingInterceptor(tracer), *interceptors],
    )
    for register in servicers:
        register(server)

    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", *service_names):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    health_name = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
    reflection.enable_server_reflection(
        (*service_names, health_name, reflection.SERVICE_NAME), server
    )

    address = f"{host}:{port}"
    try:
        bound = (
            server.add_secure_port(address, credentials)
            if credentials is not None
            else server.add_insecure_port(address)
        )
    except RuntimeError as exc:  # recent grpcio raises; older ones returned 0
        raise OSError(f"gRPC server could not bind {address}: {exc}") from exc
    if not bound:
        raise OSError(f"gRPC server could not bind {address}")
    server.start()
    return Serving(server, bound, health_servicer, tuple(service_names))
