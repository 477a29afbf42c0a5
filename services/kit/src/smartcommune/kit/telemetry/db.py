"""CLIENT spans for SQL statements, from SQLAlchemy's cursor events.

Hooking the engine's `before_cursor_execute` / `after_cursor_execute` events covers the ORM, Core
and raw `text()` alike, without a driver-specific instrumentation package. Only the statement
text is recorded, never its parameters: parameters can hold personal data, and the statement is
what one needs to recognise a slow query.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

_SPAN_KEY = "smartcommune.telemetry.span"


def instrument_engine(engine: Engine, tracer: Tracer) -> None:
    """Emit one span per statement executed through `engine`.

    For an `AsyncEngine`, pass its `.sync_engine`: the events fire on the sync core either way.
    """
    system = engine.dialect.name
    database = engine.url.database or ""

    def before(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        operation = statement.split(None, 1)[0].upper() if statement.strip() else "SQL"
        attributes = {
            "db.system.name": system,
            "db.namespace": database,
            "db.operation.name": operation,
            "db.query.text": statement,
        }
        span = tracer.start_span(
            f"{operation} {database}".strip(), kind=SpanKind.CLIENT, attributes=attributes
        )
        conn.info[_SPAN_KEY] = span

    def after(conn: Connection, *_: Any) -> None:
        span: Span | None = conn.info.pop(_SPAN_KEY, None)
        if span is not None:
            span.end()

    def failed(context: ExceptionContext) -> None:
        conn = context.connection
        span: Span | None = conn.info.pop(_SPAN_KEY, None) if conn is not None else None
        if span is not None:
            span.record_exception(context.original_exception)
            span.set_status(Status(StatusCode.ERROR, type(context.original_exception).__name__))
            span.end()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)
