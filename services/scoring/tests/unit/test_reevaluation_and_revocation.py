"""When facts change, scorecards follow; a recognised unit that no longer meets its set is
flagged for review (never silently revoked); a revocation is a signed decision like the first."""

from __future__ import annotations

from fastapi.testclient import TestClient

from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.bootstrap import Service, fact_handler
from smartcommune.scoring.testing import Chains, Fact, VillageProfile, village_facts

from .conftest import NOW, Headers

PATH = "VN-26/song-lo/cao-phong"


def consume(service: Service, chains: Chains, facts: list[Fact]) -> None:
    handle = fact_handler(service.context)
    for event in chains.record_all(facts):
        with UnitOfWork(service.engine) as uow:
            handle(uow, event)
            uow.commit()


def recognise_two(client: TestClient, service: Service, auth: Headers) -> tuple[Chains, str]:
    chains = Chains()
    facts = [
        f
        for n in (1, 2)
        for f in village_facts("08920", f"089200{n}", f"{PATH}/thon-{n}", VillageProfile())
    ]
    consume(service, chains, facts)
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": ["0892001", "0892002"]}
    proposal = client.post("/proposals", json=body, headers=auth("commune.officer")).json()
    issued = client.post(
        f"/proposals/{proposal['proposal_id']}/decision", json={}, headers=auth("district.officer")
    )
    assert issued.status_code == 201, issued.text
    return chains, issued.json()["decision_id"]


def test_a_recognised_village_that_loses_its_team_is_flagged_once_not_revoked(
    client: TestClient, service: Service, auth: Headers
) -> None:
    chains, decision = recognise_two(client, service, auth)
    team = next(e for e in chains.recorded if e.event_type == "team.established")
    assert team.payload["village_code"] == "0892001"
    dissolved = Fact(
        "techteams", "team.dissolved", team.stream_id, {"dissolved_on": "2026-10-20"},
        "08920", team.unit_path, team.occurred_at.replace(day=20),
    )  # fmt: skip
    consume(service, chains, [dissolved])
    again = Fact(
        "techteams", "facility.attested", "0892002:free_wifi_cultural_house",
        {"village_code": "0892002", "facility": "free_wifi_cultural_house", "present": True,
         "count": 1, "attested_by": "m", "attested_on": "2026-10-21",
         "evidence_sha256": "0" * 64, "note": ""},
        "08920", f"{PATH}/thon-2", team.occurred_at.replace(day=21),
    )  # fmt: skip
    consume(service, chains, [again])

    auditor = auth("auditor")
    card = client.get("/units/0892001/scorecard?criteria_set=vp-smart-village", headers=auditor)
    assert card.json()["failing_mandatory"] == ["tech-team"]
    listed = {r["unit_code"]: r for r in client.get("/units/08920/recognitions",
                                                    headers=auditor).json()}  # fmt: skip
    assert listed["0892001"]["review_flagged"] == {"as_of": NOW.date().isoformat(),
                                                   "failing": ["tech-team"]}  # fmt: skip
    assert listed["0892001"]["revoked_by"] is None
    assert listed["0892002"]["review_flagged"] is None
    with UnitOfWork(service.engine) as uow:
        own = service.context.store.read_chain(uow.session, "scoring", "08920")
    assert [e.event_type for e in own].count("recognition.review_flagged") == 1
    assert decision in {e.stream_id for e in own}


def test_a_revocation_is_signed_and_the_village_no_longer_counts_as_recognised(
    client: TestClient, service: Service, auth: Headers
) -> None:
    _, decision = recognise_two(client, service, auth)
    commune_card = f"/units/08920/scorecard?criteria_set=vp-smart-commune&as_of={NOW.date()}"
    before = client.get(commune_card, headers=auth("auditor")).json()
    villages = next(i for i in before["indicators"] if i["indicator_id"] == "smart-villages")
    assert villages["value"]["numerator"] == 2

    assert client.post(f"/decisions/{decision}/revocation", json={"reason": "x"},
                       headers=auth("commune.officer")).status_code == 403  # fmt: skip
    revoked = client.post(
        f"/decisions/{decision}/revocation", json={"reason": "Không duy trì tổ công nghệ số"},
        headers=auth("district.officer"),
    )  # fmt: skip
    assert revoked.status_code == 201, revoked.text
    payload = revoked.json()["payload"]
    assert payload["revokes_decision_id"] == decision
    assert payload["signature_cms_b64"]
    twice = client.post(f"/decisions/{decision}/revocation", json={"reason": "again"},
                        headers=auth("district.officer"))  # fmt: skip
    assert twice.status_code == 409
    after = client.get(commune_card, headers=auth("auditor")).json()
    villages = next(i for i in after["indicators"] if i["indicator_id"] == "smart-villages")
    assert villages["value"]["numerator"] == 0
    html = client.get(f"/decisions/{revoked.json()['decision_id']}/document.html",
                      headers=auth("auditor"))  # fmt: skip
    assert "Thu hồi" in html.text
