"""Households: registered in a village, listing their members, each resident in one at most."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]
Register = Callable[..., dict[str, Any]]


def household(
    client: TestClient, auth: Headers, members: list[str], village: str = "0892001"
) -> Any:
    body = {"village_code": village, "member_ids": members}
    return client.post("/households", json=body, headers=auth("commune.officer"))


def fields_of(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [e["field"] for e in answer.json()["errors"]]


def test_a_household_lists_its_members_and_counts_in_its_village(
    client: TestClient, auth: Headers, register: Register
) -> None:
    a = register(national_id="001000000001")["resident_id"]
    b = register(national_id="001000000002")["resident_id"]
    made = household(client, auth, [a])
    assert made.status_code == 201, made.text
    hid = made.json()["household_id"]
    assert made.headers["location"] == f"/households/{hid}"
    added = client.post(f"/households/{hid}/members", json={"resident_id": b},
                        headers=auth("commune.officer"))  # fmt: skip
    assert added.status_code == 200, added.text
    assert sorted(added.json()["member_ids"]) == sorted([a, b])
    assert added.json()["member_count"] == 2
    assert client.get(f"/residents/{b}", headers=auth("auditor")).json()["household_id"] == hid
    counts = client.get("/units/0892001/counts", headers=auth("techteam.member")).json()
    assert (counts["residents"], counts["households"]) == (2, 1)
    listed = client.get("/units/08920/households", headers=auth("district.officer")).json()
    assert [(h["household_id"], h["member_count"]) for h in listed["items"]] == [(hid, 2)]


def test_a_resident_registered_into_a_household_joins_it(
    client: TestClient, auth: Headers, register: Register, person: Callable[..., Any]
) -> None:
    hid = household(client, auth, []).json()["household_id"]
    body = {"village_code": "0892001", "household_id": hid, "personal_data": person()}
    made = client.post("/residents", json=body, headers=auth("commune.officer"))
    assert made.status_code == 201, made.text
    assert made.json()["household_id"] == hid
    view = client.get(f"/households/{hid}", headers=auth("commune.officer")).json()
    assert view["member_ids"] == [made.json()["resident_id"]]


def test_members_come_from_the_households_village_and_belong_to_one_household_only(
    client: TestClient, auth: Headers, register: Register, person: Callable[..., Any]
) -> None:
    here = register(national_id="001000000011")["resident_id"]
    there = register(village="0892002", national_id="001000000012")["resident_id"]
    assert fields_of(household(client, auth, [there])) == ["member_ids.0"]
    assert fields_of(household(client, auth, [here, here])) == ["member_ids"]
    first = household(client, auth, [here]).json()["household_id"]
    assert fields_of(household(client, auth, [here])) == ["member_ids.0"]
    second = household(client, auth, []).json()["household_id"]
    moved = client.post(f"/households/{second}/members", json={"resident_id": here},
                        headers=auth("commune.officer"))  # fmt: skip
    assert fields_of(moved) == ["resident_id"]
    other = household(client, auth, [], village="0892002").json()["household_id"]
    body = {"village_code": "0892001", "household_id": other, "personal_data": person()}
    wrong = client.post("/residents", json=body, headers=auth("commune.officer"))
    assert fields_of(wrong) == ["household_id"]
    assert client.get(f"/households/{first}", headers=auth("auditor")).json()["member_count"] == 1


def test_an_erased_resident_cannot_join_a_household(
    client: TestClient, auth: Headers, register: Register
) -> None:
    resident = register()["resident_id"]
    client.post(f"/residents/{resident}/erase", json={}, headers=auth("commune.officer"))
    assert fields_of(household(client, auth, [resident])) == ["member_ids.0"]
