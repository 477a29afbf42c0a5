"""Indicator values roll up the hierarchy: village → commune → district → province."""

from __future__ import annotations

from fastapi.testclient import TestClient

from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.testing import Chains, village_facts

from .conftest import Headers
from .test_reevaluation_and_revocation import consume

PATH = "VN-26/song-lo/cao-phong"


def test_a_districts_metrics_are_the_sum_of_its_communes_with_evidence(
    client: TestClient, service: Service, auth: Headers
) -> None:
    chains = Chains()
    for n in (1, 2):
        consume(service, chains, village_facts("08920", f"089200{n}", f"{PATH}/thon-{n}"))
    query = "?as_of=2026-11-01&window_days=365"
    village = client.get(f"/units/0892001/metrics{query}", headers=auth("commune.officer"))
    district = client.get(f"/units/253/metrics{query}", headers=auth("district.officer")).json()
    province = client.get(f"/units/26/metrics{query}", headers=auth("auditor")).json()
    assert village.json()["metrics"]["residents.total"]["value"] == 24
    assert district["metrics"]["residents.total"]["value"] == 48
    assert province["metrics"]["residents.total"]["value"] == 48
    assert district["metrics"]["dossiers.resolved"]["value"] == 8
    assert district["metrics"]["villages.total"]["value"] == 26  # as of the units' last day
    by_commune = {c["unit_code"]: c["metrics"]["households.total"] for c in district["children"]}
    assert by_commune == {"08920": 16, "08923": 0, "08926": 0, "08929": 0}
    (evidence,) = district["metrics"]["households.total"]["evidence"]
    assert (evidence["service"], evidence["count"]) == ("identity", 16)
    assert client.get(f"/units/253/metrics{query}",
                      headers=auth("commune.officer")).status_code == 403  # fmt: skip
