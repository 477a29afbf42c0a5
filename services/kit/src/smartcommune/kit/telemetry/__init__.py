"""OpenTelemetry for every service: providers from the environment, Kafka/HTTP/DB spans, metrics
and JSON logs. Nothing here runs at import time; a service calls :func:`setup_telemetry` from its
bootstrap and passes the returned tracer and meter on.
"""

from smartcommune.kit.telemetry.db import instrument_engine
from smartcommune.kit.telemetry.http import TracingMiddleware
from smartcommune.kit.telemetry.logs import JsonFormatter, configure_logging
from smartcommune.kit.telemetry.messaging import (
    consuming_span,
    current_traceparent,
    extract_context,
    inject_headers,
    producing_span,
)
from smartcommune.kit.telemetry.metrics import PlatformMetrics
from smartcommune.kit.telemetry.setup import Telemetry, setup_telemetry

__all__ = [
    "JsonFormatter",
    "PlatformMetrics",
    "Telemetry",
    "TracingMiddleware",
    "configure_logging",
    "consuming_span",
    "current_traceparent",
    "extract_context",
    "inject_headers",
    "instrument_engine",
    "producing_span",
    "setup_telemetry",
]
