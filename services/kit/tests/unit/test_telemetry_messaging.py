"""A fact's trace follows it through Kafka: producer and consumer spans share one trace id."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from smartcommune.kit.telemetry import (
    Telemetry,
    consuming_span,
    current_traceparent,
    extract_context,
    inject_headers,
    producing_span,
    setup_telemetry,
)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def telemetry(spans: InMemorySpanExporter) -> Telemetry:
    return setup_telemetry("dossiers", span_exporter=spans, set_global=False)


def test_consumer_span_continues_the_producer_trace_through_list_headers(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    headers: list[tuple[str, bytes]] = [("event_type", b"dossier.resolved")]
    with producing_span(
        "dossiers.events.v1", "VN-26-001", "dossier.resolved", tracer=telemetry.tracer
    ):
        inject_headers(headers)

    with consuming_span("dossiers.events.v1", 3, 42, headers, tracer=telemetry.tracer):
        pass

    producer, consumer = spans.get_finished_spans()
    assert producer.kind is SpanKind.PRODUCER
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.context.trace_id == producer.context.trace_id
    assert consumer.parent is not None
    assert consumer.parent.span_id == producer.context.span_id
    assert producer.attributes == {
        "messaging.system": "kafka",
        "messaging.operation.type": "send",
        "messaging.destination.name": "dossiers.events.v1",
        "messaging.kafka.message.key": "VN-26-001",
        "smartcommune.event_type": "dossier.resolved",
    }
    assert consumer.attributes is not None
    assert consumer.attributes["messaging.destination.partition.id"] == "3"
    assert consumer.attributes["messaging.kafka.offset"] == 42
    assert ("event_type", b"dossier.resolved") in headers  # other headers are kept


def test_dict_headers_are_written_as_text_and_reinjecting_replaces_the_traceparent(
    telemetry: Telemetry,
) -> None:
    headers: dict[str, str] = {}
    with telemetry.tracer.start_as_current_span("first"):
        inject_headers(headers)
        first = headers["traceparent"]
    listed: list[tuple[str, bytes]] = [("traceparent", first.encode())]
    with telemetry.tracer.start_as_current_span("second"):
        inject_headers(listed)
    assert [k for k, _ in listed] == ["traceparent"]
    assert listed[0][1].decode() != first


def test_current_traceparent_is_none_outside_a_span_and_parses_back_inside(
    telemetry: Telemetry,
) -> None:
    assert current_traceparent() is None
    with telemetry.tracer.start_as_current_span("command") as span:
        traceparent = current_traceparent()
    assert traceparent is not None
    assert traceparent.split("-")[1] == format(span.get_span_context().trace_id, "032x")
    # The envelope's `trace` field makes a parent for the relay's producer span.
    parent = extract_context({"traceparent": traceparent})
    with telemetry.tracer.start_as_current_span("relay", context=parent) as child:
        assert child.get_span_context().trace_id == span.get_span_context().trace_id


def test_consuming_without_trace_headers_starts_a_new_trace(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    with consuming_span("identity.events.v1", 0, 0, None, tracer=telemetry.tracer):
        pass
    (span,) = spans.get_finished_spans()
    assert span.parent is None
