"""The unit hierarchy through the API: each change an event, the 2025 reform representable
(a district ended, villages merged with history kept), and a rollup on request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.testing import Chains, village_facts

from .conftest import Headers
from .test_reevaluation_and_revocation import consume

PATH = "VN-26/song-lo/cao-phong"
NEW_VILLAGE = {
    "code": "0892008", "name": "Thôn Đồng Giang – Phú Thọ", "slug": "dong-giang-phu-tho",
    "type": "village", "parent": "08920", "valid_from": "2026-07-01",
}  # fmt: skip


def test_the_reform_is_recorded_as_events_and_old_facts_roll_up_on_request(
    client: TestClient, service: Service, auth: Headers
) -> None:
    admin = auth("province.admin")
    created = client.post("/units", json=NEW_VILLAGE, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["path"] == f"{PATH}/dong-giang-phu-tho"
    assert client.post("/units", json=NEW_VILLAGE, headers=admin).status_code == 409
    for old in ("0892001", "0892002"):
        ended = client.patch(f"/units/{old}", json={"valid_to": "2026-06-30"}, headers=admin)
        assert ended.json()["valid_to"] == "2026-06-30", ended.text
    district = client.patch("/units/253", json={"name": "Huyện Sông Lô (cũ)"}, headers=admin)
    assert district.status_code == 200, district.text
    merge = {"merge_id": "vp-2026-07-thon", "sources": ["0892001", "0892002"],
             "into": "0892008", "effective": "2026-07-01", "basis": "DEMO"}  # fmt: skip
    assert client.post("/unit-merges", json=merge, headers=admin).status_code == 201
    assert client.post("/unit-merges", json=merge, headers=admin).status_code == 409

    unit = client.get("/units/0892008", headers=auth("auditor")).json()
    assert unit["predecessors"] == ["0892001", "0892002"]
    with UnitOfWork(service.engine) as uow:
        chain = service.context.store.read_chain(uow.session, "scoring", "08920")
        master = service.context.store.read_chain(uow.session, "scoring", "00000")
    assert [e.event_type for e in chain] == [
        "admin_unit.created", "admin_unit.changed", "admin_unit.changed", "admin_unit.merged",
    ]  # fmt: skip
    assert [e.event_type for e in master] == ["admin_unit.changed"]  # the district

    chains = Chains()
    for n in (1, 2):
        consume(service, chains, village_facts("08920", f"089200{n}", f"{PATH}/thon-{n}"))
    url = "/units/0892008/scorecard?criteria_set=vp-smart-village&as_of=2026-11-01"
    alone = client.get(url, headers=auth("commune.officer")).json()
    rolled = client.get(url + "&include_predecessors=true", headers=auth("commune.officer")).json()
    assert not alone["meets"]
    assert rolled["meets"]
    broadband = next(i for i in rolled["indicators"] if i["indicator_id"] == "households-broadband")
    assert broadband["value"] == {"numerator": 16, "denominator": 16}
    # the old villages keep their own history
    old = client.get("/units/0892001/scorecard?criteria_set=vp-smart-village&as_of=2026-11-01",
                     headers=auth("commune.officer")).json()  # fmt: skip
    assert old["meets"]


def test_unit_changes_are_for_the_province_admin_and_checked(
    client: TestClient, auth: Headers
) -> None:
    assert (
        client.post("/units", json=NEW_VILLAGE, headers=auth("commune.officer")).status_code == 403
    )
    assert client.post("/units", json=NEW_VILLAGE, headers=auth("auditor")).status_code == 403
    unknown_parent = client.post("/units", json={**NEW_VILLAGE, "parent": "08999"},
                                 headers=auth("province.admin"))  # fmt: skip
    assert unknown_parent.status_code == 422
    assert unknown_parent.json()["errors"][0]["field"] == "parent"
    taken = client.post("/units", json={**NEW_VILLAGE, "slug": "thon-1"},
                        headers=auth("province.admin"))  # fmt: skip
    assert taken.status_code == 422
    backwards = client.patch("/units/0892001", json={"valid_to": "2000-01-01"},
                             headers=auth("province.admin"))  # fmt: skip
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "valid_to"
    moved = client.patch("/units/08920", json={"slug": "cao-phong-moi"},
                         headers=auth("province.admin"))  # fmt: skip
    assert moved.status_code == 422  # a unit with villages keeps its path
    assert client.patch("/units/26", json={"name": "Tỉnh Phú Thọ"},
                        headers=auth("province.admin")).status_code == 422  # fmt: skip
