"""Importing a provider's statement (CSV): every row validated first, then recorded once.

The file is checked as a whole before anything is stored: a header with unknown or missing
columns, or any row with a bad cell, answers 422 listing every fault as `{row, field, message}`
(row = the spreadsheet row, the header being row 1) — nothing is imported, so a corrected file
can simply be sent again. A valid file is then recorded in chunks, one transaction each. The
row identity is the provider's transaction id, so a row recorded before (by an earlier import,
the webhook or REST) counts as a duplicate and adds nothing: importing the same statement twice
is harmless.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from ..domain.errors import DomainError, InconsistentCommand
from ..domain.values import party_id_problem
from . import commands as c
from .errors import AlreadyRecorded, StatementInvalid
from .handlers import record_in
from .ports import Caller, Dependencies, PaymentsUnitOfWork

COLUMNS = (
    "transaction_id", "paid_on", "amount_vnd", "purpose", "channel", "payer_kind", "payer_id",
    "payee_kind", "payee_id", "household_id", "village_code", "bill_number",
)  # fmt: skip
REQUIRED = ("transaction_id", "paid_on", "amount_vnd", "purpose", "channel", "payer_kind",
            "payee_kind")  # fmt: skip
MAX_ROWS = 50_000
CHUNK_SIZE = 200


@dataclass
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    fees_paid: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.fees_paid += other.fees_paid
        self.rejected.extend(other.rejected)


def _error(row: int, column: str, message: str) -> dict[str, str]:
    return {"row": str(row), "field": column, "message": message}


def parse_statement(
    data: bytes, provider: str, commune_code: str, deps: Dependencies
) -> list[tuple[int, c.RecordPayment]]:
    """The rows as commands, or `StatementInvalid` with every fault of the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementInvalid([_error(1, "file", "must be UTF-8 text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise StatementInvalid([_error(1, "file", "is empty: a header row is expected")]) from None
    except csv.Error as exc:
        raise StatementInvalid([_error(1, "file", f"is not readable CSV ({exc})")]) from None
    problems = [_error(1, name or "header", "unknown column") for name in header
                if name not in COLUMNS]  # fmt: skip
    problems += [_error(1, name, "missing column") for name in REQUIRED if name not in header]
    if len(set(header)) != len(header):
        problems.append(_error(1, "header", "a column appears twice"))
    if problems:
        raise StatementInvalid(problems)
    rows: list[tuple[int, c.RecordPayment]] = []
    seen: dict[str, int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise StatementInvalid([_error(number, "file", f"more than {MAX_ROWS} rows")])
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                message = f"has {len(cells)} cells, the header has {len(header)}"
                problems.append(_error(number, "row", message))
                continue
            values = {k: v.strip() for k, v in zip(header, cells, strict=True) if v.strip()}
            command = _row(number, values, provider, commune_code, deps, problems)
            if command is None:
                continue
            if (earlier := seen.get(command.transaction_id)) is not None:
                message = f"the same transaction as row {earlier}"
                problems.append(_error(number, "transaction_id", message))
                continue
            seen[command.transaction_id] = number
            rows.append((number, command))
    except csv.Error as exc:
        raise StatementInvalid([_error(1, "file", f"is not readable CSV ({exc})")]) from None
    if problems:
        raise StatementInvalid(problems)
    return rows


def _row(
    number: int, values: dict[str, str], provider: str, commune_code: str, deps: Dependencies,
    problems: list[dict[str, str]],
) -> c.RecordPayment | None:  # fmt: skip
    try:
        command = c.RecordPayment.model_validate(
            {**values, "provider": provider, "commune_code": commune_code}
        )
    except ValidationError as exc:
        for error in exc.errors():
            column = ".".join(str(part) for part in error["loc"]) or "row"
            problems.append(_error(number, column, error["msg"]))
        return None
    try:
        if command.village_code is not None:
            deps.village(command.village_code)
            if deps.units.commune_of(command.village_code).code != commune_code:
                raise InconsistentCommand("village_code", f"is not in commune {commune_code}")
        for role, kind, party in (("payer", command.payer_kind, command.payer_id),
                                  ("payee", command.payee_kind, command.payee_id)):  # fmt: skip
            if (problem := party_id_problem(kind, party)) is not None:
                raise InconsistentCommand(f"{role}_id", problem)
    except InconsistentCommand as exc:
        problems.append(_error(number, exc.field, exc.message))
        return None
    return command


def import_statement(
    rows: list[tuple[int, c.RecordPayment]], caller: Caller, deps: Dependencies,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:  # fmt: skip
    """Record the validated rows, a chunk per transaction. A duplicate is recognised before
    anything is written, so it leaves the chunk's transaction intact; any other refusal (a fee
    already paid, another amount…) rolls the chunk back, which is then recorded row by row so
    that one bad row costs only itself."""
    report = ImportReport()
    for start in range(0, len(rows), chunk_size):
        part = rows[start : start + chunk_size]
        try:
            with deps.uow() as uow:
                done = ImportReport()
                for _, command in part:
                    _record(uow, command, caller, deps, done)
                uow.commit()
        except (DomainError, SQLAlchemyError):
            done = _row_by_row(part, caller, deps)
        report.add(done)
    return report


def _record(
    uow: PaymentsUnitOfWork, command: c.RecordPayment, caller: Caller, deps: Dependencies,
    report: ImportReport,
) -> None:  # fmt: skip
    try:
        recorded = record_in(uow, command, caller, deps)
    except AlreadyRecorded:
        report.duplicates += 1
        return
    report.accepted += 1
    report.fees_paid += recorded.fee is not None


def _row_by_row(
    rows: list[tuple[int, c.RecordPayment]], caller: Caller, deps: Dependencies
) -> ImportReport:
    report = ImportReport()
    for number, command in rows:
        with deps.uow() as uow:
            try:
                _record(uow, command, caller, deps, report)
            except DomainError as exc:
                field_name = getattr(exc, "field", "row")
                message = getattr(exc, "message", str(exc))
                report.rejected.append({"row": number, "field": field_name, "reason": message})
                continue
            uow.commit()
    return report
