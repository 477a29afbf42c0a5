"""Log lines are JSON objects carrying the service name and the current span's ids."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from smartcommune.kit.telemetry import configure_logging, setup_telemetry


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    out = io.StringIO()
    handler = configure_logging("identity", "DEBUG", stream=out)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_line_logged_inside_a_span_carries_that_span_s_trace_id(stream: io.StringIO) -> None:
    tracer = setup_telemetry(
        "identity", span_exporter=InMemorySpanExporter(), set_global=False
    ).tracer
    with tracer.start_as_current_span("sign") as span:
        logging.getLogger("smartcommune.identity").info("signed %s", "decision", extra={"n": 1})

    entry = json.loads(stream.getvalue())
    context = span.get_span_context()
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")
    assert entry["message"] == "signed decision"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "smartcommune.identity"
    assert entry["service"] == "identity"
    assert entry["n"] == 1
    assert entry["timestamp"].endswith("+00:00")


def test_a_line_outside_any_span_has_no_trace_id_and_exceptions_are_kept(
    stream: io.StringIO,
) -> None:
    try:
        raise ValueError("bad certificate")
    except ValueError:
        logging.getLogger("x").exception("failed")
    entry = json.loads(stream.getvalue())
    assert "trace_id" not in entry
    assert "ValueError: bad certificate" in entry["exception"]


def test_configuring_twice_keeps_one_json_handler(stream: io.StringIO) -> None:
    again = io.StringIO()
    handler = configure_logging("identity", "INFO", stream=again)
    try:
        logging.getLogger("x").warning("once")
        assert stream.getvalue() == ""
        assert json.loads(again.getvalue())["message"] == "once"
    finally:
        logging.getLogger().removeHandler(handler)
