"""One trace from the HTTP request that recorded an event, through the relay, into the consumer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from smartcommune.kit.consumer import TrackingConsumer
from smartcommune.kit.consumer.testing import caught_up, create_topics, run_consumer
from smartcommune.kit.events import Actor, EventEnvelope, EventPayload, PayloadRegistry
from smartcommune.kit.migrations import upgrade_to_head
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.telemetry import TracingMiddleware, current_traceparent, setup_telemetry

pytestmark = pytest.mark.integration


class Counted(EventPayload):
    event_type = "toy.counted"
    event_version = 1
    n: int


REGISTRY = PayloadRegistry("toys")
REGISTRY.register(Counted)


def test_the_consumer_span_continues_the_trace_of_the_command_that_recorded_the_event(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    topic = f"toys{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [topic, f"{topic}.dlq"])
    url = f"sqlite:///{tmp_path / 'trace.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    store, spans = EventStore(REGISTRY), InMemorySpanExporter()
    telemetry = setup_telemetry("toys", span_exporter=spans, set_global=False)

    app = FastAPI()
    app.add_middleware(TracingMiddleware, tracer=telemetry.tracer)

    @app.post("/counters", status_code=201)
    def record() -> dict[str, str]:
        draft = REGISTRY.draft(
            Counted(n=1),
            stream_id="counter-1",
            commune_code="08950",
            unit_path="VN-26/cao-phong",
            occurred_at=datetime.now(UTC),
            actor=Actor(subject="officer-1", role="commune-officer"),
            trace=current_traceparent(),
        )
        with UnitOfWork(engine) as uow:
            store.append(uow, [draft], 0)
            uow.commit()
        return {"stream_id": "counter-1"}

    # The caller (a portal, say) already has a trace: the request must continue it.
    caller_trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    response = TestClient(app).post("/counters", headers={"traceparent": caller_trace})
    assert response.status_code == 201
    producer = make_producer(kafka_bootstrap, client_id="toys.relay")
    try:
        OutboxRelay(engine, store, topic, producer, tracer=telemetry.tracer).drain(timeout=30)
    finally:
        producer.close(timeout=10)
    seen_in_handler: list[int] = []

    def handle(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        seen_in_handler.append(trace.get_current_span().get_span_context().trace_id)

    name = f"{topic.split('.')[0]}.trace"
    consumer = TrackingConsumer(name, topic, engine, handle, tracer=telemetry.tracer)
    run_consumer(kafka_bootstrap, [consumer], lambda: caught_up(kafka_bootstrap, name, topic))
    engine.dispose()

    by_kind = {span.kind: span for span in spans.get_finished_spans()}
    command, producing, consuming = (
        by_kind[SpanKind.SERVER],
        by_kind[SpanKind.PRODUCER],
        by_kind[SpanKind.CONSUMER],
    )
    trace_id = command.context.trace_id
    assert f"{trace_id:032x}" == caller_trace.split("-")[1]
    assert command.name == "POST /counters"
    assert producing.context.trace_id == consuming.context.trace_id == trace_id
    assert producing.parent is not None
    assert producing.parent.span_id == command.context.span_id
    assert consuming.parent is not None
    assert consuming.parent.span_id == producing.context.span_id
    assert seen_in_handler == [trace_id]  # the handler's own spans would join it too
