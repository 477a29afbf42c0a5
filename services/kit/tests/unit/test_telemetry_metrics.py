"""The event-flow counters and the consumer-lag gauge reach the metric reader."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from smartcommune.kit.telemetry import setup_telemetry


def _points(reader: InMemoryMetricReader) -> dict[str, list[Any]]:
    data = reader.get_metrics_data()
    assert data is not None
    return {
        metric.name: list(metric.data.data_points)
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }


def test_counters_count_events_with_service_and_event_type() -> None:
    reader = InMemoryMetricReader()
    metrics = setup_telemetry("dossiers", metric_reader=reader, set_global=False).metrics

    metrics.appended("dossier.resolved", 2)
    metrics.appended("dossier.resolved")
    metrics.published("dossiers.events.v1", "dossier.resolved")
    metrics.consumed("dossiers.events.v1", "dossier.resolved")
    metrics.dead_lettered("dossiers.events.v1")

    points = _points(reader)
    (appended,) = points["smartcommune.events.appended"]
    assert appended.value == 3
    assert dict(appended.attributes) == {"service": "dossiers", "event_type": "dossier.resolved"}
    assert points["smartcommune.events.published"][0].value == 1
    assert points["smartcommune.events.consumed"][0].attributes["topic"] == "dossiers.events.v1"
    assert points["smartcommune.events.dead_lettered"][0].value == 1


def test_consumer_lag_reports_the_latest_value_per_partition() -> None:
    reader = InMemoryMetricReader()
    metrics = setup_telemetry("scoring", metric_reader=reader, set_global=False).metrics

    metrics.record_lag("scoring.projections", "dossiers.events.v1", 0, 120)
    metrics.record_lag("scoring.projections", "dossiers.events.v1", 0, 7)
    metrics.record_lag("scoring.projections", "dossiers.events.v1", 1, -3)  # clamped

    lag = {p.attributes["partition"]: p.value for p in _points(reader)["smartcommune.consumer.lag"]}
    assert lag == {0: 7, 1: 0}


def test_a_forgotten_partition_is_no_longer_reported() -> None:
    reader = InMemoryMetricReader()
    metrics = setup_telemetry("scoring", metric_reader=reader, set_global=False).metrics

    metrics.record_lag("scoring.projections", "dossiers.events.v1", 0, 5)
    metrics.record_lag("scoring.projections", "dossiers.events.v1", 1, 9)
    metrics.forget_lag("scoring.projections", "dossiers.events.v1", 1)  # moved to another member
    metrics.forget_lag("scoring.projections", "dossiers.events.v1", 7)  # never reported: no-op

    lag = {p.attributes["partition"]: p.value for p in _points(reader)["smartcommune.consumer.lag"]}
    assert lag == {0: 5}
