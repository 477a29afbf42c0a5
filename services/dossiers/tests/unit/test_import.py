"""Bulk import: parsing row by row, rejections with reasons, idempotency, and pace."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartcommune.dossiers.adapters.import_parsing import ImportFileError, parse_csv, parse_json
from smartcommune.dossiers.bootstrap import Service
from smartcommune.dossiers.testing import synthetic_export, to_csv
from smartcommune.kit.store import UnitOfWork, events

Headers = Callable[[str], dict[str, str]]
HEADER = "dossier_number,procedure_code,procedure_name,channel,receiving_unit,submitted_at"
GOOD = "000.26-0001,1.001193,Đăng ký khai sinh,full_online,Một cửa,2025-03-02 08:00"


def test_csv_rows_become_records_and_local_times_are_vietnam_time() -> None:
    rows, rejected = parse_csv(("\ufeff" + HEADER + "\n" + GOOD + "\n").encode())
    assert rejected == []
    (row,) = rows
    assert row.row == 2
    assert row.record.submitted_at.isoformat() == "2025-03-02T08:00:00+07:00"
    assert row.record.fee_vnd == 0


def test_each_bad_row_is_rejected_alone_with_its_field() -> None:
    lines = [
        HEADER,
        GOOD,
        "000.26-0002,1.001193,Đăng ký khai sinh,fax,Một cửa,2025-03-02 08:00",
        "000.26-0003,1.001193,Đăng ký khai sinh,full_online,Một cửa,yesterday",
        "000.26-0004,1.001193,Đăng ký khai sinh,full_online",
    ]
    rows, rejected = parse_csv("\n".join(lines).encode())
    assert [r.row for r in rows] == [2]
    assert [(r.row, r.field) for r in rejected] == [(3, "channel"), (4, "submitted_at"), (5, "row")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00", "UTF-8"),
        (f"{HEADER},nickname\n".encode(), "unknown columns: nickname"),
        (b"dossier_number,channel\n", "missing columns"),
        (f"{HEADER},channel\n".encode(), "twice"),
    ],
)
def test_a_file_the_import_cannot_read_is_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse_csv(data)


def test_json_takes_an_array_or_an_object_with_dossiers() -> None:
    record = synthetic_export("08920", 1)[0]
    for document in ([record, 7], {"dossiers": [record, 7]}):
        rows, rejected = parse_json(json.dumps(document).encode())
        assert (len(rows), [(r.row, r.field) for r in rejected]) == (1, [(2, "row")])
    with pytest.raises(ImportFileError):
        parse_json(b'{"rows": []}')


def imported(client: TestClient, headers: dict[str, str], data: bytes) -> dict[str, Any]:
    files = {"file": ("export.csv", data, "text/csv")}
    response = client.post("/imports?commune_code=08920", files=files, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def event_count(service: Service) -> int:
    with UnitOfWork(service.engine, read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(events)) or 0)


def test_the_same_file_twice_adds_nothing(
    client: TestClient, auth: Headers, service: Service
) -> None:
    data = to_csv(synthetic_export("08920", 60, seed=7))
    first = imported(client, auth("commune.officer"), data)
    assert (first["accepted"], first["duplicates"], first["rejected"]) == (60, 0, [])
    recorded = event_count(service)
    second = imported(client, auth("commune.officer"), data)
    assert (second["accepted"], second["duplicates"]) == (0, 60)
    assert event_count(service) == recorded


def test_rows_the_lifecycle_cannot_explain_are_rejected_with_the_step_at_fault(
    client: TestClient, auth: Headers
) -> None:
    base = synthetic_export("08920", 1)[0] | {"received_at": None, "appointment_date": None}
    keep = (
        "dossier_number", "procedure_code", "procedure_name", "channel", "receiving_unit",
        "submitted_at", "applicant_ref", "applicant_type", "applicant_home_commune",
    )  # fmt: skip
    plain = {k: base[k] for k in keep}
    rows = [
        plain | {"dossier_number": "IMP-1", "resolved_at": "2025-06-01T10:00:00"},
        plain | {"dossier_number": "IMP-2", "appointment_date": "2025-06-01"},
        plain | {"dossier_number": "IMP-3", "received_at": "2025-01-01T08:00",
                 "appointment_date": "2025-01-02"},
        plain | {"dossier_number": "IMP-4", "applicant_ref": "079203001234"},
        plain | {"dossier_number": "IMP-5"},
        plain | {"dossier_number": "IMP-5"},
    ]  # fmt: skip
    response = client.post(
        "/imports?commune_code=08920", json={"dossiers": rows}, headers=auth("commune.officer")
    )
    report = response.json()
    assert [(r["row"], r["field"]) for r in report["rejected"]] == [
        (1, "resolved_at"), (2, "appointment_date"), (3, "received_at"), (4, "applicant_ref"),
    ]  # fmt: skip
    assert "cannot resolve a dossier that is submitted" in report["rejected"][0]["reason"]
    assert (report["accepted"], report["duplicates"]) == (1, 1)


def test_a_live_submission_and_an_import_of_the_same_number_are_one_dossier(
    client: TestClient, auth: Headers, submission: Callable[..., dict[str, Any]]
) -> None:
    row = synthetic_export("08920", 1)[0]
    live = submission(row["dossier_number"])
    assert client.post("/dossiers", json=live, headers=auth("commune.officer")).status_code == 201
    report = imported(client, auth("commune.officer"), to_csv([row]))
    assert (report["accepted"], report["duplicates"]) == (0, 1)


def test_imported_history_is_the_rows_steps_in_time_order(
    client: TestClient, auth: Headers
) -> None:
    row = synthetic_export("08920", 40, seed=3)[-1]
    imported(client, auth("commune.officer"), to_csv([row]))
    listing = client.get("/units/08920/dossiers", headers=auth("commune.officer")).json()
    detail = client.get(f"/dossiers/{listing['items'][0]['dossier_id']}", headers=auth("auditor"))
    history = detail.json()["history"]
    assert history[0]["event_type"] == "dossier.submitted"
    assert [h["stream_version"] for h in history] == list(range(1, len(history) + 1))
    times = [h["occurred_at"] for h in history]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [(b"x", "application/xml", 415), (b"--b\r\n", "multipart/form-data; boundary=b", 400)],
)
def test_unreadable_uploads_are_4xx_problems(
    client: TestClient, auth: Headers, content: bytes, content_type: str, status: int
) -> None:
    headers = {**auth("commune.officer"), "Content-Type": content_type}
    response = client.post("/imports?commune_code=08920", content=content, headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    if status == 400:  # bad input names its field, like every other
        assert response.json()["errors"][0]["field"] in ("body", "file")


def test_a_thousand_rows_import_in_seconds(client: TestClient, auth: Headers) -> None:
    data = to_csv(synthetic_export("08920", 1000, seed=11))
    started = time.perf_counter()
    report = imported(client, auth("commune.officer"), data)
    assert report["accepted"] == 1000
    assert time.perf_counter() - started < 20  # ~2 s here; the bound only catches a collapse
