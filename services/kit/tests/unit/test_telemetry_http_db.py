"""HTTP requests become SERVER spans in the caller's trace; SQL statements become child spans."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from smartcommune.kit.telemetry import (
    Telemetry,
    TracingMiddleware,
    instrument_engine,
    setup_telemetry,
)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def telemetry(spans: InMemorySpanExporter) -> Telemetry:
    return setup_telemetry("dossiers", span_exporter=spans, set_global=False)


def _app(telemetry: Telemetry) -> FastAPI:
    app = FastAPI()
    engine = create_engine("sqlite://")
    instrument_engine(engine, telemetry.tracer)

    @app.get("/dossiers/{dossier_id}")
    def get_dossier(dossier_id: str) -> dict[str, str]:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"id": dossier_id}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    app.add_middleware(TracingMiddleware, tracer=telemetry.tracer)
    return app


def _get(app: FastAPI, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())


def test_a_request_with_traceparent_yields_a_server_span_in_that_trace(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    response = _get(_app(telemetry), "/dossiers/d-1", {"traceparent": TRACEPARENT})
    assert response.status_code == 200

    by_kind = {span.kind: span for span in spans.get_finished_spans()}
    server, query = by_kind[SpanKind.SERVER], by_kind[SpanKind.CLIENT]
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert server.name == "GET /dossiers/{dossier_id}"
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/dossiers/{dossier_id}"
    assert server.attributes["http.response.status_code"] == 200
    # The handler's query is a child of the request span.
    assert query.parent is not None
    assert query.parent.span_id == server.context.span_id
    assert query.attributes is not None
    assert query.attributes["db.system.name"] == "sqlite"
    assert query.attributes["db.query.text"] == "SELECT 1"


def test_a_server_error_marks_the_span_failed(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    assert _get(_app(telemetry), "/boom").status_code == 500
    (server,) = spans.get_finished_spans()
    assert server.status.status_code is StatusCode.ERROR


def test_a_failing_statement_ends_its_span_with_an_error(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    engine = create_engine("sqlite://")
    instrument_engine(engine, telemetry.tracer)
    with engine.connect() as conn, pytest.raises(OperationalError):
        conn.execute(text("SELECT * FROM missing_table"))
    (span,) = spans.get_finished_spans()
    assert span.name == "SELECT"
    assert span.status.status_code is StatusCode.ERROR
