"""Build the tracer and meter providers of one service from the standard `OTEL_*` environment.

Providers are built by a call, never at import, and handed back in a :class:`Telemetry` so the
service's bootstrap passes `tracer` and `meter` on explicitly: tests then run as many setups as
they like, each with its own in-memory exporter, without fighting OpenTelemetry's process-wide
"set the global provider only once" rule. The global providers are installed too (by default, the
first time only) for libraries that only know the global API.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from smartcommune.kit.telemetry.metrics import PlatformMetrics

INSTRUMENTATION = "smartcommune.kit"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Telemetry:
    """What a service needs to emit spans and metrics; pass it down from the bootstrap."""

    service_name: str
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    tracer: trace.Tracer
    meter: metrics.Meter
    metrics: PlatformMetrics
    exporting: frozenset[str]
    """Signals sent over OTLP ("traces", "metrics"); empty when no endpoint is configured."""

    def shutdown(self) -> None:
        """Flush and stop exporters (on process exit; spans still queued would be lost)."""
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def _exporting(signal: str) -> bool:
    """True when OTLP export is configured for `signal` ("traces" or "metrics") and not disabled."""
    if os.environ.get(f"OTEL_{signal.upper()}_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT")
    )


def setup_telemetry(
    service_name: str,
    *,
    span_exporter: SpanExporter | None = None,
    metric_reader: MetricReader | None = None,
    set_global: bool = True,
) -> Telemetry:
    """Providers for `service_name`; OTLP/HTTP export only when an OTLP endpoint is configured.

    `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` are honoured (the former overrides
    `service_name`, so operators can rename a deployment without a rebuild); the sampler follows
    `OTEL_TRACES_SAMPLER`. An injected `span_exporter` is wired synchronously, so a test sees
    each span as soon as it ends.
    """
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    resource = Resource.create(attributes)
    name = str(resource.attributes.get(SERVICE_NAME, service_name))

    exporting = frozenset(signal for signal in ("traces", "metrics") if _exporting(signal))
    tracer_provider = TracerProvider(resource=resource)
    if span_exporter is not None:
        tracer_provider.add_span_processor(SimpleSpanProcessor(span_exporter))
    if "traces" in exporting:
        # Imported here: the exporter pulls in requests/protobuf, which a test run never needs.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))

    readers: list[MetricReader] = [metric_reader] if metric_reader is not None else []
    if "metrics" in exporting:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    meter_provider = MeterProvider(resource=resource, metric_readers=readers)

    if set_global:
        _install_global(tracer_provider, meter_provider)
    tracer = tracer_provider.get_tracer(INSTRUMENTATION)
    meter = meter_provider.get_meter(INSTRUMENTATION)
    return Telemetry(
        service_name=name,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        tracer=tracer,
        meter=meter,
        metrics=PlatformMetrics(meter, name),
        exporting=exporting,
    )


def _install_global(tracer_provider: TracerProvider, meter_provider: MeterProvider) -> None:
    """Install the providers globally unless some earlier setup already did (allowed only once)."""
    if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        _log.debug("global OpenTelemetry providers already set; keeping them")
        return
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(meter_provider)
