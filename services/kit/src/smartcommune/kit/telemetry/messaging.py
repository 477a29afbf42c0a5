"""Trace context across Kafka: W3C `traceparent` in message headers, producer and consumer spans.

The relay publishes long after the command that caused an event, so the producer span's parent
comes from the envelope's `trace` field (see :func:`extract_context`), and the consumer span's
parent from the message headers: command, relay and every consumer then read as one trace.

Header shapes: raw Kafka clients (aiokafka, kafka-python) use `list[tuple[str, bytes]]`,
FastStream uses `dict[str, str]`; both are accepted, and written back in their own shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import AttributeValue

from smartcommune.kit.telemetry.setup import INSTRUMENTATION

IncomingHeaders = Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]] | None
H = TypeVar("H", list[tuple[str, bytes]], dict[str, str])
_PROPAGATOR = TraceContextTextMapPropagator()  # W3C only: Kafka headers carry no vendor formats


def inject_headers(headers: H, context: otel_context.Context | None = None) -> H:
    """Write the current (or given) trace context into `headers`, in place, and return them."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=context)
    if isinstance(headers, dict):
        headers.update(carrier)
    else:
        headers[:] = [(k, v) for k, v in headers if k not in carrier]
        headers.extend((k, v.encode("ascii")) for k, v in carrier.items())
    return headers


def _as_text(headers: IncomingHeaders) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    return {
        k.lower(): v.decode("ascii", "replace") if isinstance(v, bytes) else v for k, v in items
    }


def extract_context(headers: IncomingHeaders) -> otel_context.Context:
    """The trace context carried by `headers` (or by `{"traceparent": envelope.trace}`)."""
    return _PROPAGATOR.extract(_as_text(headers))


def current_traceparent() -> str | None:
    """The W3C traceparent of the current span, for the envelope's `trace` field; None outside."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")


def _tracer(tracer: Tracer | None) -> Tracer:
    return tracer or trace.get_tracer(INSTRUMENTATION)


@contextmanager
def producing_span(
    topic: str,
    key: str | bytes | None,
    event_type: str,
    *,
    tracer: Tracer | None = None,
    parent: otel_context.Context | None = None,
) -> Iterator[Span]:
    """A PRODUCER span around one send; inject headers inside it so consumers become children."""
    attributes: dict[str, str] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "send",
        "messaging.destination.name": topic,
        "smartcommune.event_type": event_type,
    }
    if key is not None:
        attributes["messaging.kafka.message.key"] = (
            key.decode("utf-8", "replace") if isinstance(key, bytes) else key
        )
    with _tracer(tracer).start_as_current_span(
        f"send {topic}", context=parent, kind=SpanKind.PRODUCER, attributes=attributes
    ) as span:
        yield span


@contextmanager
def consuming_span(
    topic: str,
    partition: int,
    offset: int,
    headers: IncomingHeaders,
    *,
    tracer: Tracer | None = None,
) -> Iterator[Span]:
    """A CONSUMER span for processing one message, child of the producer span named in `headers`."""
    attributes: dict[str, AttributeValue] = {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": topic,
        "messaging.destination.partition.id": str(partition),
        "messaging.kafka.offset": offset,
    }
    with _tracer(tracer).start_as_current_span(
        f"process {topic}",
        context=extract_context(headers),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
    ) as span:
        yield span
