"""SERVER spans for the REST entry points, as a plain ASGI middleware.

Why not `opentelemetry-instrumentation-fastapi`: it patches FastAPI classes process-wide, pulls
three more beta packages whose versions must move in lockstep with the SDK, and reads the global
tracer provider, which our tests deliberately do not use. What we need — one SERVER span per
request, continuing the caller's `traceparent`, named by route template and carrying the status —
fits in this file and takes its tracer explicitly:

    app.add_middleware(TracingMiddleware, tracer=telemetry.tracer)
"""

from __future__ import annotations

from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartcommune.kit.telemetry.messaging import extract_context


class TracingMiddleware:
    """Wraps each HTTP request in a SERVER span; websockets and lifespan pass through untouched."""

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k.decode("latin-1"), v) for k, v in scope.get("headers", [])]
        method = scope.get("method", "GET")
        attributes = {
            "http.request.method": method,
            "url.path": scope.get("path", ""),
            "url.scheme": scope.get("scheme", "http"),
        }
        with self.tracer.start_as_current_span(
            method,  # renamed to "METHOD /route/{template}" once routing has matched
            context=extract_context(headers),
            kind=SpanKind.SERVER,
            attributes=attributes,
        ) as span:

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:  # 4xx is the client's fault, not a failed server span
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            try:
                await self.app(scope, receive, send_with_status)
            finally:
                # The router writes the matched route into the (shared) scope while handling.
                route = getattr(scope.get("route"), "path", None)
                if route:
                    span.set_attribute("http.route", route)
                    span.update_name(f"{method} {route}")
