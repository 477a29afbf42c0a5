"""gRPC helpers shared by every service: a server with health, reflection and tracing, and
client channels that carry the caller's bearer token and trace context. No domain logic here.
"""

from smartcommune.kit.grpc.client import MetadataInterceptor, TokenProvider, channel
from smartcommune.kit.grpc.server import Registrar, Serving, serve
from smartcommune.kit.grpc.tracing import ServerTracingInterceptor

__all__ = [
    "MetadataInterceptor",
    "Registrar",
    "ServerTracingInterceptor",
    "Serving",
    "TokenProvider",
    "channel",
    "serve",
]
