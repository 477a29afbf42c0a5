"""Every endpoint's rule, tried by every kind of caller — including the neighbouring commune's
officer, who holds the right role for the wrong unit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.dossiers.bootstrap import Service
from smartcommune.dossiers.entrypoints.app import create_app
from smartcommune.dossiers.entrypoints.rules import ENDPOINT_RULES, READ, WRITE
from smartcommune.dossiers.testing import synthetic_export, to_csv
from smartcommune.kit.auth.testing import LocalIssuer

Headers = Callable[[str], dict[str, str]]
STEP = {"expected_version": 1}
#: operation id → (method, path, request options); {id} is a dossier of Cao Phong
RECEIVE = {**STEP, "appointment_date": "2026-03-20"}
EXTEND = {**STEP, "new_due_date": "2026-04-01", "reason": "x", "apology": "y"}
STATS = "from=2026-01-01&to=2026-12-31"
RATE = {**STEP, "satisfaction": "satisfied"}
#: operation id → (method, path, request options); {id} is a dossier of Cao Phong
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "submit_dossier": ("POST", "/dossiers", {}),
    "receive_dossier": ("POST", "/dossiers/{id}/receive", {"json": RECEIVE}),
    "refuse_dossier": ("POST", "/dossiers/{id}/refuse", {"json": {**STEP, "reason": "x"}}),
    "start_processing_dossier": ("POST", "/dossiers/{id}/start-processing", {"json": STEP}),
    "request_supplement_dossier": (
        "POST", "/dossiers/{id}/request-supplement", {"json": {**STEP, "reason": "x"}}
    ),
    "supplement_dossier": ("POST", "/dossiers/{id}/supplement", {"json": STEP}),
    "extend_dossier": ("POST", "/dossiers/{id}/extend", {"json": EXTEND}),
    "stop_dossier": ("POST", "/dossiers/{id}/stop", {"json": {**STEP, "reason": "x"}}),
    "resolve_dossier": ("POST", "/dossiers/{id}/resolve", {"json": STEP}),
    "return_result_dossier": ("POST", "/dossiers/{id}/return-result", {"json": STEP}),
    "rate_dossier": ("POST", "/dossiers/{id}/rate", {"json": RATE}),
    "import_dossiers": ("POST", "/imports?commune_code=08920", {}),
    "get_dossier": ("GET", "/dossiers/{id}", {}),
    "list_dossiers": ("GET", "/units/08920/dossiers", {}),
    "export_dossiers_csv": ("GET", "/units/08920/dossiers.csv", {}),
    "unit_statistics": ("GET", f"/units/08920/statistics?{STATS}", {}),
    "export_statistics_csv": ("GET", f"/units/08920/statistics.csv?{STATS}", {}),
}  # fmt: skip
WRITERS = {"commune.officer"}
READERS = {"commune.officer", "district.officer", "province.admin", "auditor"}
EVERYONE = ("commune.officer", "neighbour.officer", "district.officer", "province.admin",
            "auditor", "techteam.member")  # fmt: skip


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    service_factory: Callable[..., Service],
    auth: Headers,
) -> Iterator[tuple[TestClient, str]]:
    service = service_factory(Path(tmp_path_factory.mktemp("authz")))
    client = TestClient(create_app(service.settings, service=service))
    body = _submission("AUTHZ-0001")
    created = client.post("/dossiers", json=body, headers=auth("commune.officer"))
    assert created.status_code == 201, created.text
    yield client, created.json()["dossier_id"]
    service.engine.dispose()


_numbers = iter(range(2, 10**6))


def _submission(number: str) -> dict[str, Any]:
    return {
        "dossier_number": number, "commune_code": "08920", "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh", "channel": "in_person", "receiving_unit": "Một cửa",
        "applicant_ref": "res-0042abc", "applicant_type": "citizen",
        "applicant_home_commune": "08920",
    }  # fmt: skip


def _call(client: TestClient, operation: str, dossier_id: str, headers: dict[str, str]) -> int:
    method, path, options = ENDPOINTS[operation]
    options = dict(options)
    if operation == "submit_dossier":
        options["json"] = _submission(f"AUTHZ-{next(_numbers):04d}")
    if operation == "import_dossiers":
        rows = synthetic_export("08920", 1, year=2025, seed=next(_numbers))
        options["files"] = {"file": ("export.csv", to_csv(rows), "text/csv")}
    response = client.request(method, path.format(id=dossier_id), headers=headers, **options)
    return int(response.status_code)


def test_every_endpoint_has_a_rule_and_a_case_here(world: tuple[TestClient, str]) -> None:
    client, _ = world
    operations = {
        op["operationId"]
        for path, item in client.get("/openapi.json").json()["paths"].items()
        for op in item.values()
        if not path.startswith(("/healthz", "/readyz"))
    }
    assert operations == set(ENDPOINT_RULES) == set(ENDPOINTS)


@pytest.mark.parametrize("operation", list(ENDPOINTS))
@pytest.mark.parametrize("who", EVERYONE)
def test_each_caller_gets_exactly_what_the_rule_grants(
    world: tuple[TestClient, str], auth: Headers, operation: str, who: str
) -> None:
    client, dossier_id = world
    rule = ENDPOINT_RULES[operation]
    allowed = (WRITERS if rule is WRITE else READERS) if rule in (WRITE, READ) else set()
    status = _call(client, operation, dossier_id, auth(who))
    if who in allowed:
        assert status not in (401, 403), f"{who} refused on {operation}"
        if rule is READ:
            assert status == 200
    else:
        assert status == 403, f"{who} got {status} on {operation}"


@pytest.mark.parametrize("operation", list(ENDPOINTS))
def test_no_token_is_401(world: tuple[TestClient, str], operation: str) -> None:
    client, dossier_id = world
    assert _call(client, operation, dossier_id, {}) == 401
    assert _call(client, operation, dossier_id, {"Authorization": "Bearer nonsense"}) == 401


def test_a_neighbour_cannot_submit_into_another_commune_nor_import_there(
    world: tuple[TestClient, str], auth: Headers
) -> None:
    client, _ = world
    denied = client.post(
        "/dossiers", json=_submission("AUTHZ-N-1"), headers=auth("neighbour.officer")
    )
    assert denied.status_code == 403
    assert "outside your unit" in denied.json()["detail"]
    own = {**_submission("AUTHZ-N-2"), "commune_code": "08923", "applicant_home_commune": "08923"}
    assert client.post("/dossiers", json=own, headers=auth("neighbour.officer")).status_code == 201


def test_a_district_officer_reads_every_commune_below_but_not_another_district(
    world: tuple[TestClient, str], issuer: LocalIssuer
) -> None:
    client, _ = world
    other = issuer.mint("other.district", ["district-officer"], "VN-26/lap-thach")
    headers = {"Authorization": f"Bearer {other}"}
    assert client.get("/units/253/dossiers", headers=headers).status_code == 403
    assert client.get("/units/08920/dossiers", headers=headers).status_code == 403
