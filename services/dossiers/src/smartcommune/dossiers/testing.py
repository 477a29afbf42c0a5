"""Synthetic one-stop-shop exports, for tests and benchmarks (never imported by the service).

`synthetic_export("08920", 5000)` is a plausible year of a commune: mostly resolved dossiers over
the channels, some supplements, extensions, refusals and stops, and ratings — deterministic for a
given seed, so a benchmark or a test reads the same file every run.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta
from typing import Any

from .application.import_record import FIELDS
from .domain.values import VIETNAM

PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", 0),
    ("1.000894", "Đăng ký kết hôn", 0),
    ("2.000908", "Chứng thực bản sao từ bản chính", 2_000),
    ("1.004227", "Cấp giấy xác nhận tình trạng hôn nhân", 0),
    ("1.001612", "Đăng ký thường trú", 15_000),
)
CHANNELS = ("full_online",) * 5 + ("partial_online",) * 3 + ("in_person",) * 2 + ("postal",)


def synthetic_export(
    commune_code: str, count: int, *, year: int = 2025, seed: int = 1, villages: int = 6
) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    rows = []
    for n in range(1, count + 1):
        code, name, fee = rng.choice(PROCEDURES)
        start = datetime(year, 1, 2, 7, 30, tzinfo=VIETNAM)
        submitted = start + timedelta(minutes=rng.randrange(0, 355 * 24 * 60))
        row: dict[str, Any] = {
            "dossier_number": f"000.00.{commune_code}.{year}-{n:06d}",
            "procedure_code": code,
            "procedure_name": name,
            "channel": rng.choice(CHANNELS),
            "receiving_unit": f"Bộ phận một cửa UBND xã {commune_code}",
            "fee_vnd": fee,
            "applicant_ref": f"res-{rng.getrandbits(48):012x}",
            "applicant_type": "citizen" if rng.random() < 0.9 else "business",
            "applicant_home_commune": commune_code,
            "applicant_village": f"{commune_code}{rng.randint(1, villages):02d}",
            "submitted_at": submitted.isoformat(),
        }
        if rng.random() < 0.03:
            row.update(
                refused_at=_later(submitted, 0.2), refusal_reason="Hồ sơ không thuộc thẩm quyền"
            )
        else:
            _history(rng, row, submitted)
        rows.append(row)
    return rows


def _later(moment: datetime, days: float) -> str:
    return (moment + timedelta(days=days)).isoformat()


def _history(rng: random.Random, row: dict[str, Any], submitted: datetime) -> None:
    received = submitted + timedelta(hours=rng.randint(1, 20))
    due: date = received.date() + timedelta(days=rng.choice((1, 3, 5, 7)))
    row.update(received_at=received.isoformat(), appointment_date=due.isoformat())
    clock = received + timedelta(hours=2)
    row["processing_started_at"] = clock.isoformat()
    if rng.random() < 0.08:
        row.update(supplement_requested_at=_later(clock, 1), supplement_reason="Thiếu bản sao")
        clock += timedelta(days=rng.randint(2, 5))
        row["supplemented_at"] = clock.isoformat()
    if rng.random() < 0.04:
        row.update(stopped_at=_later(clock, 1), stop_reason="Người nộp rút hồ sơ")
        return
    if rng.random() < 0.05:
        row.update(
            extended_at=_later(clock, 0.5), extended_due_date=(due + timedelta(days=5)).isoformat(),
            extension_reason="Cần xác minh thêm", apology="Thư xin lỗi",
        )  # fmt: skip
        clock += timedelta(days=1)
    resolved = clock + timedelta(days=rng.choice((0, 1, 2, 3, 4, 6, 9)), hours=1)
    row["resolved_at"] = resolved.isoformat()
    if rng.random() < 0.9:
        returned = resolved + timedelta(hours=rng.randint(1, 48))
        row["result_returned_at"] = returned.isoformat()
        if rng.random() < 0.6:
            row["rated_at"] = _later(returned, 0.1)
            row["satisfaction"] = rng.choice(("very_satisfied", "satisfied", "dissatisfied"))


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """The rows as a CSV export with the documented header (every column, in model order)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
