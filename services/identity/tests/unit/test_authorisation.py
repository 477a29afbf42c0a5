"""Every endpoint's rule, tried by every kind of caller — including the neighbouring commune's
officer, who holds the right role for the wrong unit, and the tech-team member, who may read
the pseudonymous lists of their own village and nothing else."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.identity.bootstrap import Service
from smartcommune.identity.entrypoints.app import create_app
from smartcommune.identity.entrypoints.rules import ENDPOINT_RULES, PERSONAL, READ, WRITE
from smartcommune.kit.auth.testing import LocalIssuer

Headers = Callable[[str], dict[str, str]]
LEVEL = {"level": "level_1", "changed_on": "2026-01-05", "source": "vneid_app_check"}
#: operation id → (method, path, request options); {r} / {h}: a resident / household of Thôn 1
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "register_resident": ("POST", "/residents", {}),
    "record_vneid_level": ("POST", "/residents/{r}/vneid", {"json": LEVEL}),
    "erase_resident": ("POST", "/residents/{r}/erase", {"json": {}}),
    "register_household": ("POST", "/households", {"json": {"village_code": "0892001"}}),
    "add_household_member": ("POST", "/households/{h}/members", {}),
    "get_resident": ("GET", "/residents/{r}", {}),
    "get_household": ("GET", "/households/{h}", {}),
    "list_residents": ("GET", "/units/08920/residents", {}),
    "list_households": ("GET", "/units/08920/households", {}),
    "unit_counts": ("GET", "/units/08920/counts", {}),
    "read_personal_data": ("GET", "/residents/{r}/personal-data?purpose=authz+test", {}),
}
EVERYONE = ("commune.officer", "neighbour.officer", "district.officer", "province.admin",
            "auditor", "techteam.member")  # fmt: skip
GRANTED = {
    WRITE: {"commune.officer"},
    READ: {"commune.officer", "district.officer", "province.admin", "auditor"},
    PERSONAL: {"commune.officer"},
}
#: Reads of one resident or household of Thôn 1 are within the tech-team member's village.
VILLAGE_READS = {"get_resident", "get_household"}
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, service_factory: Callable[..., Service]
) -> Iterator[tuple[TestClient, Service]]:
    service = service_factory(Path(tmp_path_factory.mktemp("authz")))
    yield TestClient(create_app(service.settings, service=service)), service
    service.engine.dispose()


def _resident(client: TestClient, auth: Headers, village: str = "0892001") -> str:
    n = next(_ids)
    body = {"village_code": village, "personal_data": {
        "full_name": f"Người thử {n}", "national_id": f"{n:012d}", "date_of_birth": "1990-01-01",
    }}  # fmt: skip
    answer = client.post("/residents", json=body, headers=auth("commune.officer"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["resident_id"])


def _call(
    world: tuple[TestClient, Service], auth: Headers, operation: str, headers: dict[str, str]
) -> int:
    """Each call gets fresh targets, so one caller's success never changes the next one's."""
    client, _ = world
    method, path, options = ENDPOINTS[operation]
    resident = _resident(client, auth)
    household = client.post("/households", json={"village_code": "0892001"},
                            headers=auth("commune.officer")).json()["household_id"]  # fmt: skip
    options = dict(options)
    if operation == "register_resident":
        options["json"] = {"village_code": "0892001", "personal_data": {
            "full_name": "Người mới", "national_id": f"{next(_ids):012d}",
            "date_of_birth": "1990-01-01",
        }}  # fmt: skip
    if operation == "add_household_member":
        options["json"] = {"resident_id": resident}
    url = path.format(r=resident, h=household)
    status: int = client.request(method, url, headers=headers, **options).status_code
    return status


def test_every_endpoint_has_a_rule_and_a_case_here(world: tuple[TestClient, Service]) -> None:
    client, _ = world
    operations = {
        op["operationId"]
        for path, item in client.get("/openapi.json").json()["paths"].items()
        for op in item.values()
        if not path.startswith(("/healthz", "/readyz", "/ca/"))  # the CA tests its own
    }
    assert operations == set(ENDPOINT_RULES) == set(ENDPOINTS)


@pytest.mark.parametrize("operation", list(ENDPOINTS))
@pytest.mark.parametrize("who", EVERYONE)
def test_each_caller_gets_exactly_what_the_rule_grants(
    world: tuple[TestClient, Service], auth: Headers, operation: str, who: str
) -> None:
    rule = ENDPOINT_RULES[operation]
    allowed = GRANTED[rule] | ({"techteam.member"} if operation in VILLAGE_READS else set())
    status = _call(world, auth, operation, auth(who))
    if who in allowed:
        assert status in (200, 201), f"{who} got {status} on {operation}"
    else:
        assert status == 403, f"{who} got {status} on {operation}"


@pytest.mark.parametrize("operation", list(ENDPOINTS))
def test_no_token_or_a_bad_one_is_401(
    world: tuple[TestClient, Service], auth: Headers, operation: str
) -> None:
    assert _call(world, auth, operation, {}) == 401
    assert _call(world, auth, operation, {"Authorization": "Bearer nonsense"}) == 401


@pytest.mark.parametrize(
    ("unit", "status"), [("0892001", 200), ("0892002", 403), ("08920", 403), ("08923", 403)]
)
@pytest.mark.parametrize("listing", ["residents", "households", "counts"])
def test_a_techteam_member_reads_the_lists_of_their_own_village_only(
    world: tuple[TestClient, Service], auth: Headers, listing: str, unit: str, status: int
) -> None:
    client, _ = world
    answer = client.get(f"/units/{unit}/{listing}", headers=auth("techteam.member"))
    assert answer.status_code == status, answer.text


def test_a_neighbour_cannot_register_into_another_commune_nor_see_its_people(
    world: tuple[TestClient, Service], auth: Headers
) -> None:
    client, _ = world
    neighbour = auth("neighbour.officer")
    body = {"village_code": "0892001", "personal_data": {
        "full_name": "Người lạ", "national_id": "009999999999", "date_of_birth": "1990-01-01",
    }}  # fmt: skip
    refused = client.post("/residents", json=body, headers=neighbour)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    own = client.post("/residents", json={**body, "village_code": "0892301"}, headers=neighbour)
    assert own.status_code == 201  # their own commune (Lãng Công, Thôn 1) is fine
    resident = _resident(client, auth)
    for path in (f"/residents/{resident}", f"/residents/{resident}/personal-data?purpose=look"):
        assert client.get(path, headers=neighbour).status_code == 403


def test_a_commune_officer_assigned_above_a_commune_cannot_read_personal_data(
    world: tuple[TestClient, Service], auth: Headers, issuer: LocalIssuer
) -> None:
    """A misconfigured account (commune role, district unit) covers the commune's subtree, but
    personal data is for the officers of the resident's own commune only."""
    client, _ = world
    resident = _resident(client, auth)
    token = issuer.mint("odd.officer", ("commune-officer",), "VN-26/song-lo", lifetime=600)
    answer = client.get(f"/residents/{resident}/personal-data?purpose=look",
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 403
    assert "officers of the resident's commune" in answer.json()["detail"]
