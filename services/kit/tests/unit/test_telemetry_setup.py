"""Telemetry is configured by the standard OTEL_* environment, and setups do not interfere."""

from __future__ import annotations

import time

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from smartcommune.kit.telemetry import setup_telemetry

OTEL_VARIABLES = (
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_without_an_endpoint_nothing_is_exported_and_the_code_names_the_service() -> None:
    telemetry = setup_telemetry("payments", set_global=False)
    assert telemetry.exporting == frozenset()
    assert telemetry.service_name == "payments"
    assert telemetry.tracer_provider.resource.attributes["service.name"] == "payments"


def test_the_environment_renames_the_service_and_adds_resource_attributes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "payments-vn26")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging")
    telemetry = setup_telemetry("payments", set_global=False)
    attributes = telemetry.tracer_provider.resource.attributes  # shared with the meters
    assert attributes["service.name"] == "payments-vn26"
    assert attributes["deployment.environment.name"] == "staging"
    assert telemetry.metrics.service == "payments-vn26"


def test_an_otlp_endpoint_turns_export_on_per_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    telemetry = setup_telemetry("payments", set_global=False)
    started = time.monotonic()
    telemetry.shutdown()  # nothing was recorded, so nothing is sent
    assert telemetry.exporting == frozenset({"traces"})
    assert time.monotonic() - started < 5


def test_several_setups_keep_their_spans_apart() -> None:
    first, second = InMemorySpanExporter(), InMemorySpanExporter()
    a = setup_telemetry("a", span_exporter=first, set_global=False)
    b = setup_telemetry("b", span_exporter=second, set_global=False)
    with a.tracer.start_as_current_span("in-a"), b.tracer.start_as_current_span("in-b"):
        pass
    assert [s.name for s in first.get_finished_spans()] == ["in-a"]
    assert [s.name for s in second.get_finished_spans()] == ["in-b"]


def test_global_providers_are_installed_only_while_none_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed: list[object] = []
    monkeypatch.setattr(trace, "set_tracer_provider", installed.append)
    monkeypatch.setattr(metrics, "set_meter_provider", installed.append)

    monkeypatch.setattr(trace, "get_tracer_provider", trace.ProxyTracerProvider)
    telemetry = setup_telemetry("a")
    assert installed == [telemetry.tracer_provider, telemetry.meter_provider]

    monkeypatch.setattr(trace, "get_tracer_provider", lambda: telemetry.tracer_provider)
    setup_telemetry("b")
    assert len(installed) == 2
