"""Reading a one-stop-shop export (CSV or JSON) into import rows, one verdict per row.

A file-level problem (not UTF-8, not CSV/JSON, unknown or missing columns, too many rows) is an
`ImportFileError` — nothing is imported. A row-level problem rejects that row only, with the
first field at fault, so one typo never blocks a commune's whole year.

Row numbers are what a person sees: in a CSV, the spreadsheet row (the header is row 1, the first
dossier row 2); in JSON, the dossier's 1-based position in the array.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from ..application.import_record import FIELDS, ImportRecord
from ..application.importing import ParsedRow, Rejection

MAX_ROWS = 100_000
REQUIRED_COLUMNS = tuple(
    name for name, info in ImportRecord.model_fields.items() if info.is_required()
)


class ImportFileError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


Parsed = tuple[list[ParsedRow], list[Rejection]]


def parse_export(data: bytes, filename: str | None, content_type: str | None) -> Parsed:
    """CSV unless the name ends in .json or the content type says JSON."""
    is_json = (filename or "").lower().endswith(".json") or "json" in (content_type or "")
    return parse_json(data) if is_json else parse_csv(data)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # spreadsheets save CSV with a byte-order mark
    except UnicodeDecodeError:
        raise ImportFileError("file", "must be UTF-8 text") from None


def parse_csv(data: bytes) -> Parsed:
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ImportFileError("file", "is empty: a header row is expected") from None
    except csv.Error as exc:
        raise ImportFileError("file", f"is not readable CSV ({exc})") from None
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        raise ImportFileError("file", f"unknown columns: {', '.join(unknown)}")
    if missing := [name for name in REQUIRED_COLUMNS if name not in header]:
        raise ImportFileError("file", f"missing columns: {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise ImportFileError("file", "a column appears twice in the header")

    def records() -> Iterable[tuple[int, Any]]:
        try:
            for number, cells in enumerate(reader, start=2):
                if len(cells) != len(header):
                    yield number, f"has {len(cells)} cells, the header has {len(header)}"
                    continue
                yield (
                    number,
                    {k: v.strip() for k, v in zip(header, cells, strict=True) if v.strip()},
                )
        except csv.Error as exc:
            raise ImportFileError("file", f"is not readable CSV ({exc})") from None

    return _validate(records())


def parse_json(data: bytes) -> Parsed:
    try:
        document = json.loads(_text(data))
    except (ValueError, RecursionError):
        raise ImportFileError("file", "is not valid JSON") from None
    if isinstance(document, Mapping) and set(document) == {"dossiers"}:
        document = document["dossiers"]
    if not isinstance(document, list):
        raise ImportFileError("file", 'must be a JSON array of dossiers or {"dossiers": [...]}')
    return _validate(enumerate(document, start=1))


def _validate(items: Iterable[tuple[int, Any]]) -> Parsed:
    rows: list[ParsedRow] = []
    rejected: list[Rejection] = []
    for number, item in items:
        if number > MAX_ROWS + 1:
            raise ImportFileError("file", f"has more than {MAX_ROWS} dossiers: split it")
        if isinstance(item, str):
            rejected.append(Rejection(number, "row", item))
        elif not isinstance(item, Mapping):
            rejected.append(Rejection(number, "row", "must be an object"))
        else:
            try:
                rows.append(ParsedRow(number, ImportRecord.model_validate(item)))
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(part) for part in first["loc"]) or "row"
                rejected.append(Rejection(number, field, first["msg"]))
    return rows, rejected
