"""CSV renderings of the dossier list and the statistics, for spreadsheets.

UTF-8 with a byte-order mark, because that is what makes spreadsheet software show Vietnamese
text correctly; a text cell that starts like a formula (`=`, `+`, `-`, `@`) is prefixed with `'`
so opening an export never runs what a client typed into a dossier.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from ..application.statistics import Figures

BOM = "\ufeff"
DOSSIER_COLUMNS = (
    "dossier_id", "dossier_number", "kind", "commune_code", "unit_path", "procedure_code",
    "procedure_name", "channel", "receiving_unit", "fee_vnd", "applicant_ref", "applicant_type",
    "applicant_home_commune", "applicant_village", "handling_department", "handling_officer_ref",
    "status", "version", "submitted_at", "received_at", "due_date", "paused_days", "extensions",
    "closed_at", "resolved_at", "outcome", "on_time", "processing_days", "returned_at",
    "rated_at", "satisfaction",
)  # fmt: skip
STATUSES = (
    "submitted", "received", "refused", "processing", "supplement_requested", "stopped",
    "resolved", "result_returned", "rated",
)  # fmt: skip
STATISTICS_COLUMNS = (
    "unit_code", "unit_name", "unit_type", "unit_path", "kind", "from", "to", "submitted",
    *(f"status_{s}" for s in STATUSES), "resolved", "resolved_online", "share_resolved_online",
    "full_process", "share_full_process", "on_time", "share_on_time", "mean_processing_days",
    "rated", "satisfied", "share_satisfied",
)  # fmt: skip


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _line(cells: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(c) for c in cells])
    return buffer.getvalue()


def dossiers_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield BOM + _line(DOSSIER_COLUMNS)
    for row in rows:
        yield _line(row[name] for name in DOSSIER_COLUMNS)


def _figures(f: Figures) -> tuple[Any, ...]:
    online, full, on_time, rated = (
        f.share_resolved_online, f.share_full_process, f.share_on_time, f.share_satisfied
    )  # fmt: skip
    statuses = tuple(f.by_status.get(s, 0) for s in STATUSES)
    return (
        f.submitted, *statuses, f.resolved, online.numerator, online.value, full.numerator,
        full.value, on_time.numerator, on_time.value, f.mean_processing_days, rated.denominator,
        rated.numerator, rated.value,
    )  # fmt: skip


def statistics_csv(kind: str, start: date, end: date, lines: Sequence[tuple[Any, Figures]]) -> str:
    """One line per unit: `lines` holds (unit, figures), the requested unit's total first."""
    out = [BOM + _line(STATISTICS_COLUMNS)]
    for unit, figures in lines:
        head = (unit.code, unit.name, unit.type, unit.path, kind, start, end)
        out.append(_line((*head, *_figures(figures))))
    return "".join(out)
