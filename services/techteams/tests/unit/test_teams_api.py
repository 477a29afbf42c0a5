"""Team management through the API, and the schema its migrations create."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient

from smartcommune.techteams.adapters.tables import metadata
from smartcommune.techteams.bootstrap import Service

from .conftest import Headers, member_id, ok


def test_membership_changes_through_the_api_keep_the_invariants(
    client: TestClient, auth: Headers, team: dict[str, Any]
) -> None:
    officer, url = auth, f"/teams/{team['team_id']}"
    for _ in range(5):  # up to ten
        ok(client.post(f"{url}/members", json={"role": "other", "joined_on": "2026-02-01"},
                       headers=officer("commune.officer")))  # fmt: skip
    full = client.post(f"{url}/members", json={"role": "teacher"},
                       headers=officer("commune.officer"))  # fmt: skip
    assert full.status_code == 409
    assert full.json()["type"] == "urn:smartcommune:problem:invalid-transition"
    teacher, leader = member_id(team, "teacher"), member_id(team, "leader")
    left = ok(client.post(f"{url}/departures", json={"member_id": teacher, "left_on": "2026-02-02"},
                          headers=officer("commune.officer")))  # fmt: skip
    assert teacher not in {m["member_id"] for m in left["members"]}
    stays = client.post(f"{url}/departures", json={"member_id": leader},
                        headers=officer("commune.officer"))  # fmt: skip
    assert stays.status_code == 409
    handed = ok(client.post(f"{url}/leader", json={"member_id": member_id(team, "womens_union"),
                                                   "previous_leader_role": "village_head"},
                            headers=officer("commune.officer")))  # fmt: skip
    assert handed["leader_member_id"] == member_id(team, "womens_union")
    future = client.post(f"{url}/dissolution", json={"dissolved_on": "2026-03-11"},
                         headers=officer("commune.officer"))  # fmt: skip
    assert future.json()["errors"] == [
        {"field": "dissolved_on", "message": "must not be in the future"}
    ]
    gone = ok(client.post(f"{url}/dissolution", json={}, headers=officer("commune.officer")))
    assert (gone["active"], gone["dissolved_on"]) == (False, "2026-03-10")
    # the village may have a new team now
    body = {**{k: team[k] for k in ("village_code", "decision_number", "decision_date")},
            "members": [{"role": "leader"}, *[{"role": "other"}] * 3]}  # fmt: skip
    ok(client.post("/teams", json=body, headers=officer("commune.officer")), 201)
    listed = ok(client.get("/units/08920/teams", headers=auth("district.officer")))
    assert [t["active"] for t in listed["items"]] == [True, False]  # newest first


def test_a_team_in_an_unknown_village_or_with_a_commune_code_is_refused(
    client: TestClient, auth: Headers
) -> None:
    for code in ("0892099", "08920"):
        body = {"village_code": code, "decision_number": "1/QĐ", "decision_date": "2026-01-01",
                "members": [{"role": "leader"}, *[{"role": "other"}] * 3]}  # fmt: skip
        refused = client.post("/teams", json=body, headers=auth("commune.officer"))
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "village_code"


def test_the_migrations_create_exactly_the_declared_tables(service: Service) -> None:
    declared = set(metadata.tables)

    def ours(name: str | None, type_: str, _parent: Any) -> bool:
        return type_ != "table" or name in declared

    with service.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        assert compare_metadata(context, metadata) == []
