"""Structured JSON logs, one object per line, stamped with the current trace and span ids.

Log collectors (Loki, Elasticsearch, Cloud Logging) parse JSON lines without per-service rules,
and the trace id lets an operator jump from a log line to the trace of the request or event that
caused it. The trace id is read from the active OpenTelemetry context, so it works with any
tracer provider and needs no logging instrumentation package.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_HANDLER_MARK = "_smartcommune_json"


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: timestamp, level, logger, message, service, ids."""

    def __init__(self, service_name: str) -> None:
        super().__init__()
        self.service_name = service_name

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service_name,
        }
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        # default=str: an odd `extra` value must not cost us the whole line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    service_name: str, level: int | str = "INFO", *, stream: TextIO | None = None
) -> logging.Handler:
    """Send the root logger's records to `stream` (stderr) as JSON lines; safe to call again.

    A previous handler installed by this function is replaced, handlers others added (pytest's
    capture, for one) are left alone. Returns the handler so a caller can remove it.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(service_name))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler
