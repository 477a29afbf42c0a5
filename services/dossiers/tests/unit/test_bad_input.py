"""Bad input is a 4xx problem+json naming the field — never a 500, never FastAPI's own body."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]
PROBLEM = "application/problem+json"


def fields(response: Any) -> list[str]:
    assert response.headers["content-type"] == PROBLEM, response.text
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fee_vnd": -1}, "fee_vnd"),
        ({"fee_vnd": 10**15}, "fee_vnd"),
        ({"fee_vnd": 1.5}, "fee_vnd"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"commune_code": "8920"}, "commune_code"),
        ({"commune_code": "99999"}, "commune_code"),
        ({"commune_code": "0892001"}, "commune_code"),
        ({"applicant_ref": "001203004567"}, "applicant_ref"),  # a 12-digit citizen ID
        ({"applicant_ref": "0912 345 678"}, "applicant_ref"),  # a phone number
        ({"applicant_ref": "+84912345678"}, "applicant_ref"),
        ({"applicant_village": "0892301"}, "applicant_village"),  # Lãng Công's, not Cao Phong's
        ({"procedure_name": "Khai\u0000sinh"}, "procedure_name"),
        ({"procedure_name": "\ud800"}, "procedure_name"),
        ({"procedure_name": "   "}, "procedure_name"),
        ({"submitted_at": "2026-03-02T08:00:00"}, "submitted_at"),  # no time zone
        ({"submitted_at": "2099-01-01T00:00:00Z"}, "submitted_at"),  # in the future
        ({"submitted_at": "1900-01-01T00:00:00Z"}, "submitted_at"),
        ({"dossier_number": ""}, "dossier_number"),
        ({"surprise": True}, "surprise"),
        ({"kind": "work_record"}, "handling_department"),
        ({"handling_department": "Văn phòng"}, "handling_department"),
    ],
)
def test_a_bad_submission_names_its_field(
    client: TestClient,
    auth: Headers,
    submission: Callable[..., dict[str, Any]],
    change: dict[str, Any],
    field: str,
) -> None:
    # json.dumps escapes non-ASCII, so even a lone surrogate travels as the client wrote it
    body = json.dumps(submission(**change))
    headers = {**auth("commune.officer"), "Content-Type": "application/json"}
    response = client.post("/dossiers", content=body, headers=headers)
    assert response.status_code == 422
    assert field in fields(response)


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"{not json", {"Content-Type": "application/json"}),
        (b"[]", {"Content-Type": "application/json"}),
        (b"null", {"Content-Type": "application/json"}),
        (b"\xff\xfe", {"Content-Type": "application/json"}),
        (b"dossier_number=1", {"Content-Type": "application/x-www-form-urlencoded"}),
    ],
)
def test_a_body_that_is_not_a_json_object_is_422(
    client: TestClient, auth: Headers, content: bytes, headers: dict[str, str]
) -> None:
    response = client.post(
        "/dossiers", content=content, headers={**auth("commune.officer"), **headers}
    )
    assert response.status_code == 422
    assert fields(response)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"0\xff\xfe",  # not UTF-8: FastAPI's bare 400 "error parsing the body" before (fuzzing)
        b"[" * 100_000 + b"]" * 100_000,  # past Python's recursion limit: the same 400 before
    ],
    ids=["syntax", "not-utf-8", "too-deep"],
)
@pytest.mark.parametrize(
    "path", ["/dossiers", "/dossiers/dossier-00000000-0000-0000-0000-000000000000/receive"]
)
def test_an_unreadable_json_body_is_422_naming_the_body(
    client: TestClient, auth: Headers, content: bytes, path: str
) -> None:
    headers = {**auth("commune.officer"), "Content-Type": "application/json"}
    response = client.post(path, content=content, headers=headers)
    assert response.status_code == 422
    assert fields(response) == ["body"]
    assert response.json()["errors"][0]["message"].startswith("not valid JSON")


def test_the_same_dossier_number_twice_is_409_and_records_nothing(
    client: TestClient, auth: Headers, submission: Callable[..., dict[str, Any]]
) -> None:
    first = client.post("/dossiers", json=submission(), headers=auth("commune.officer"))
    again = client.post("/dossiers", json=submission(), headers=auth("commune.officer"))
    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["type"] == "urn:smartcommune:problem:already-exists"
    assert again.json()["dossier_id"] == first.json()["dossier_id"]


def test_steps_refuse_stale_versions_and_impossible_transitions_with_409(
    client: TestClient, auth: Headers, submission: Callable[..., dict[str, Any]]
) -> None:
    headers = auth("commune.officer")
    dossier = client.post("/dossiers", json=submission(), headers=headers).json()
    url = f"/dossiers/{dossier['dossier_id']}"
    stale = client.post(
        f"{url}/refuse", json={"expected_version": 7, "reason": "x"}, headers=headers
    )
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:smartcommune:problem:version-conflict"
    assert stale.json()["current_version"] == 1
    impossible = client.post(f"{url}/resolve", json={"expected_version": 1}, headers=headers)
    assert impossible.status_code == 409
    problem = impossible.json()
    assert problem["type"] == "urn:smartcommune:problem:invalid-transition"
    assert (problem["status_now"], problem["allowed"]) == ("submitted", ["receive", "refuse"])
    assert "submitted" in problem["detail"]


def test_inconsistent_dates_are_422_naming_the_field(
    client: TestClient, auth: Headers, submission: Callable[..., dict[str, Any]]
) -> None:
    headers = auth("commune.officer")
    dossier = client.post("/dossiers", json=submission(), headers=headers).json()
    url = f"/dossiers/{dossier['dossier_id']}/receive"
    early = {"expected_version": 1, "appointment_date": "2026-03-01"}
    assert fields(client.post(url, json=early, headers=headers)) == ["appointment_date"]
    before = {"expected_version": 1, "appointment_date": "2026-03-09",
              "occurred_at": "2026-03-01T08:00:00+07:00"}  # fmt: skip
    assert fields(client.post(url, json=before, headers=headers)) == ["occurred_at"]


@pytest.mark.parametrize(
    ("url", "field", "status"),
    [
        ("/dossiers/not-a-dossier", "dossier_id", 422),
        ("/units/08920/dossiers?limit=0", "limit", 422),
        ("/units/08920/dossiers?limit=201", "limit", 422),
        ("/units/08920/dossiers?cursor=%%%", "cursor", 422),
        ("/units/08920/dossiers?cursor=bm90IGEgY3Vyc29y", "cursor", 422),
        (
            "/units/08920/dossiers?cursor=WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgIlx1MDAwMCJd",
            "cursor",
            422,
        ),  # a forged cursor carrying a NUL character
        (
            "/units/08920/dossiers?cursor=WyIwMDAxLTAxLTAxVDAwOjAwOjAwLTE0OjAwIiwgImEiXQ",
            "cursor",
            422,
        ),  # year 1, at -14:00
        ("/units/08920/dossiers?status=lost", "status", 422),
        ("/units/08920/dossiers?submitted_from=2026-02-30", "submitted_from", 422),
        ("/units/08920/dossiers?extra=1", "extra", 422),
        ("/units/08920/statistics?from=2026-03-01", "to", 422),
        ("/units/08920/statistics?from=2026-03-02&to=2026-03-01", "to", 422),
        ("/units/0892001/statistics?from=2026-03-01&to=2026-03-02", "unit_code", 422),
        ("/units/x/dossiers", "unit_code", 422),
    ],
)
def test_bad_queries_name_their_parameter(
    client: TestClient, auth: Headers, url: str, field: str, status: int
) -> None:
    response = client.get(url, headers=auth("commune.officer"))
    assert response.status_code == status
    assert field in fields(response)


def test_unknown_things_are_404_problems(client: TestClient, auth: Headers) -> None:
    missing = "/dossiers/dossier-00000000-0000-5000-8000-000000000000"
    for url in (missing, "/units/77777/dossiers", "/nowhere"):
        response = client.get(url, headers=auth("commune.officer"))
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
    step = client.post(f"{missing}/stop", json={"expected_version": 1, "reason": "x"},
                       headers=auth("commune.officer"))  # fmt: skip
    assert step.status_code == 404


def test_the_openapi_document_declares_problem_answers(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    submit = document["paths"]["/dossiers"]["post"]["responses"]
    assert "application/problem+json" in submit["422"]["content"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
