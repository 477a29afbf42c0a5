"""Registering residents and recording VNeID levels through the API: the answers, and every
refusal as problem+json naming the field at fault."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]
Register = Callable[..., dict[str, Any]]


def vneid(level: str, on: str = "2026-01-05", **extra: Any) -> dict[str, Any]:
    return {"level": level, "changed_on": on, "source": "police_registration", **extra}


def problem_of(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    return body


def test_a_registered_resident_is_pseudonymous_and_placed_by_the_directory(
    register: Register,
) -> None:
    body = register()
    assert body["resident_id"].startswith("resident-")
    assert (body["commune_code"], body["unit_path"]) == ("08920", "VN-26/song-lo/cao-phong/thon-1")
    assert (body["birth_year"], body["vneid"]["level"], body["version"]) == (1988, "none", 1)
    assert "Hoa" not in str(body)
    assert "001088012345" not in str(body)


def test_the_same_national_id_twice_is_a_conflict_naming_the_existing_resident(
    client: TestClient, auth: Headers, register: Register, person: Callable[..., Any]
) -> None:
    first = register()["resident_id"]
    again = client.post("/residents", json={"village_code": "0892002", "personal_data": person()},
                        headers=auth("commune.officer"))  # fmt: skip
    body = problem_of(again, 409)
    assert body["type"] == "urn:smartcommune:problem:already-registered"
    assert body["resident_id"] == first
    assert body["errors"][0]["field"] == "personal_data.national_id"


def test_a_duplicate_in_another_commune_does_not_reveal_who_it_is(
    client: TestClient, auth: Headers, register: Register, person: Callable[..., Any]
) -> None:
    register()
    again = client.post("/residents", json={"village_code": "0892301", "personal_data": person()},
                        headers=auth("neighbour.officer"))  # fmt: skip
    assert "resident_id" not in problem_of(again, 409)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"village_code": "08920"}, "village_code"),  # a commune, not a village
        ({"village_code": "0899999"}, "village_code"),
        ({"national_id": "12345"}, "personal_data.national_id"),
        ({"phone": "12"}, "personal_data.phone"),
        ({"full_name": ""}, "personal_data.full_name"),
        ({"date_of_birth": "2999-01-01"}, "personal_data.date_of_birth"),
        ({"household_id": "household-00000000-0000-4000-8000-000000000000"}, "household_id"),
        ({"surname": "x"}, "personal_data.surname"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_without_echoing_it(
    client: TestClient, auth: Headers, person: Callable[..., Any], change: dict[str, Any],
    field: str,
) -> None:  # fmt: skip
    top = {k: v for k, v in change.items() if k in ("village_code", "household_id")}
    data = person(**{k: v for k, v in change.items() if k not in top})
    body = {"village_code": "0892001", "personal_data": data, **top}
    answer = client.post("/residents", json=body, headers=auth("commune.officer"))
    problem = problem_of(answer, 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert "Nguyễn Thị Hoa" not in answer.text


@pytest.mark.parametrize(
    ("born", "change", "status", "field"),
    [
        ("1990-02-01", vneid("level_2"), 200, None),
        ("2016-03-01", vneid("level_2"), 422, "level"),  # aged 9, no guardian's request
        ("2016-03-01", vneid("level_2", on_request_of_guardian=True), 200, None),
        ("2022-01-01", vneid("level_2", on_request_of_guardian=True), 422, "level"),  # aged 4
        ("2022-01-01", vneid("level_1"), 200, None),
        ("1990-02-01", vneid("level_1", on="2999-01-01"), 422, "changed_on"),
        ("1990-02-01", vneid("level_3"), 422, "level"),
        ("1990-02-01", vneid("level_1", source="rumour"), 422, "source"),
    ],
)
def test_a_vneid_change_follows_the_age_rules_or_says_why_not(
    client: TestClient, auth: Headers, register: Register, born: str, change: dict[str, Any],
    status: int, field: str | None,
) -> None:  # fmt: skip
    resident = register(born=born)["resident_id"]
    answer = client.post(f"/residents/{resident}/vneid", json=change,
                         headers=auth("commune.officer"))  # fmt: skip
    if status == 200:
        assert answer.status_code == 200, answer.text
        assert answer.json()["vneid"] == {k: change[k] for k in ("level", "source")} | {
            "changed_on": change["changed_on"]
        }
    else:
        assert field in [e["field"] for e in problem_of(answer, status)["errors"]]


def test_the_age_refusal_reads_as_a_reason(
    client: TestClient, auth: Headers, register: Register
) -> None:
    resident = register(born="2021-06-01")["resident_id"]
    answer = client.post(f"/residents/{resident}/vneid", json=vneid("level_2"),
                         headers=auth("commune.officer"))  # fmt: skip
    assert problem_of(answer, 422)["errors"] == [
        {
            "field": "level",
            "message": "a resident under 6 (age 4) may hold level_1 only, not level_2",
        }
    ]


def test_unknown_residents_and_households_are_404(client: TestClient, auth: Headers) -> None:
    officer = auth("commune.officer")
    unknown = "resident-00000000-0000-4000-8000-000000000000"
    assert client.get(f"/residents/{unknown}", headers=officer).status_code == 404
    assert client.post(f"/residents/{unknown}/vneid", json=vneid("level_1"),
                       headers=officer).status_code == 404  # fmt: skip
    assert client.get("/units/0000000/counts", headers=officer).status_code == 404
    assert client.get("/residents/not-an-id", headers=officer).status_code == 422


def test_reading_personal_data_needs_a_stated_purpose(
    client: TestClient, auth: Headers, register: Register
) -> None:
    resident = register()["resident_id"]
    answer = client.get(f"/residents/{resident}/personal-data", headers=auth("commune.officer"))
    assert [e["field"] for e in problem_of(answer, 422)["errors"]] == ["purpose"]


def test_lists_page_through_a_unit_by_cursor(
    client: TestClient, auth: Headers, register: Register
) -> None:
    made = {register(national_id=f"0010880000{n:02d}")["resident_id"] for n in range(5)}
    seen: list[str] = []
    cursor = ""
    while True:
        page = client.get(f"/units/08920/residents?limit=2&cursor={cursor}",
                          headers=auth("auditor")).json()  # fmt: skip
        seen += [item["resident_id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == sorted(made)
