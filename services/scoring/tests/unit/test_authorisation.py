"""Every endpoint has a rule (`application/rules.py`), checked against the unit it touches."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.scoring.application.rules import ENDPOINT_RULES

from .conftest import Headers

CARD = "/units/0892001/scorecard?criteria_set=vp-smart-village"


def test_every_operation_of_the_api_has_a_rule(client: TestClient) -> None:
    operations = {
        op["operationId"]
        for path, ops in client.get("/openapi.json").json()["paths"].items()
        for op in ops.values()
        if not path.startswith(("/healthz", "/readyz"))
    }
    assert operations == set(ENDPOINT_RULES)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune.officer", 200), ("district.officer", 200), ("province.admin", 200),
        ("auditor", 200), ("neighbour.officer", 403), ("techteam.member", 403),
    ],
)  # fmt: skip
def test_scorecards_are_read_within_the_subtree(
    client: TestClient, auth: Headers, who: str, status: int
) -> None:
    assert client.get(CARD, headers=auth(who)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune.officer", 201), ("neighbour.officer", 403), ("district.officer", 403),
        ("auditor", 403), ("techteam.member", 403),
    ],
)  # fmt: skip
def test_only_the_communes_own_officer_proposes(
    client: TestClient, auth: Headers, who: str, status: int
) -> None:
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": ["0892001"]}
    answer = client.post("/proposals", json=body, headers=auth(who))
    assert answer.status_code == status, answer.text


def test_the_set_names_who_decides(client: TestClient, auth: Headers) -> None:
    body = {"criteria_set_id": "vp-smart-commune", "unit_codes": ["08920"]}
    proposal = client.post("/proposals", json=body, headers=auth("commune.officer")).json()
    url = f"/proposals/{proposal['proposal_id']}/return"
    # the smart-commune set is decided by the province, not the district
    assert (
        client.post(url, json={"comments": "x"}, headers=auth("district.officer")).status_code
        == 403
    )
    returned = client.post(url, json={"comments": "x"}, headers=auth("province.admin"))
    assert returned.status_code == 200, returned.text


def test_readers_of_other_units_do_not_see_proposals(client: TestClient, auth: Headers) -> None:
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": ["0892001"]}
    proposal = client.post("/proposals", json=body, headers=auth("commune.officer")).json()
    url = f"/proposals/{proposal['proposal_id']}"
    assert client.get(url, headers=auth("neighbour.officer")).status_code == 403
    assert client.get(url, headers=auth("district.officer")).status_code == 200
    assert client.get(url).status_code == 401


SAMPLE = {
    "unit_code": "0892001", "set_id": "vp-smart-village",
    "proposal_id": "proposal-00000000-0000-4000-8000-000000000000",
    "decision_id": "decision-00000000-0000-4000-8000-000000000000",
}  # fmt: skip


def test_every_operation_without_a_valid_token_is_401_problem_json(
    client: TestClient, issuer: LocalIssuer
) -> None:
    with LocalIssuer() as stranger:
        forged = stranger.mint(claims={"iss": issuer.issuer})
    expired = issuer.mint(lifetime=-60, audience="scoring")
    wrong_audience = issuer.mint(audience="dossiers")
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if path.startswith(("/healthz", "/readyz")):
            continue
        url = path.format(**SAMPLE)
        for method in operations:
            for token in (None, "garbage", forged, expired, wrong_audience):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                answer = client.request(method.upper(), url, headers=headers, json={})
                assert answer.status_code == 401, (method, url, answer.text)
                assert answer.headers["content-type"].startswith("application/problem+json")
                assert answer.headers["www-authenticate"].startswith("Bearer")
