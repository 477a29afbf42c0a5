"""Who may call what: every endpoint has a rule; officers of another commune, auditors and
members are refused where they must be; a member sees and updates only their own team's tasks."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from smartcommune.techteams.entrypoints.rules import ENDPOINT_RULES

from .conftest import Headers, household, member_id, ok, subject_of, team_body


def test_every_operation_has_a_rule_and_every_rule_an_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = {
        op["operationId"]
        for path, ops in spec["paths"].items()
        for op in ops.values()
        if not path.startswith(("/healthz", "/readyz"))
    }
    assert operations == set(ENDPOINT_RULES)


def test_teams_are_set_up_by_the_communes_own_officer_only(
    client: TestClient, auth: Headers
) -> None:
    for who in ("neighbour.officer", "district.officer", "auditor", "techteam.member"):
        answer = client.post("/teams", json=team_body(), headers=auth(who))
        assert answer.status_code == 403, (who, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    ok(client.post("/teams", json=team_body(), headers=auth("commune.officer")), 201)
    again = client.post("/teams", json=team_body(), headers=auth("commune.officer"))
    assert again.status_code == 409
    assert again.json()["type"] == "urn:smartcommune:problem:already-exists"


def task_for(client: TestClient, auth: Headers, team: dict[str, Any]) -> dict[str, Any]:
    body = {"team_id": team["team_id"], "task_type": "household_visit",
            "target_kind": "household", "target_id": household(),
            "due_date": "2026-03-31"}  # fmt: skip
    made: dict[str, Any] = ok(
        client.post("/tasks", json=body, headers=auth("commune.officer")), 201
    )
    return made


def test_a_member_sees_and_updates_only_their_own_teams_tasks(
    client: TestClient, auth: Headers, team: dict[str, Any], other_team: dict[str, Any]
) -> None:
    mine, theirs = task_for(client, auth, team), task_for(client, auth, other_team)
    me = member_id(team, "youth_union")
    for path in (f"/tasks/{theirs['task_id']}", f"/teams/{other_team['team_id']}/tasks"):
        assert client.get(path, headers=auth("techteam.member")).status_code == 403, path
    step = client.post(f"/tasks/{theirs['task_id']}/cancel", json={"reason": "not mine"},
                       headers=auth("techteam.member"))  # fmt: skip
    assert step.status_code == 403
    listed = ok(client.get(f"/teams/{team['team_id']}/tasks", headers=auth("techteam.member")))
    assert [t["task_id"] for t in listed["items"]] == [mine["task_id"]]
    assigned = client.post(f"/tasks/{mine['task_id']}/assign", json={"member_id": me},
                           headers=auth("techteam.member"))  # fmt: skip
    assert ok(assigned)["assignee_member_id"] == me
    # the other village's member: right role, wrong team (and village)
    assert client.get(f"/tasks/{mine['task_id']}", headers=auth("other.member")).status_code == 403


def test_a_member_whose_account_is_not_linked_records_nothing(
    client: TestClient, auth: Headers
) -> None:
    ok(client.post("/teams", json=team_body(), headers=auth("commune.officer")), 201)
    survey = {"household_id": household(), "village_code": "0892001", "has_fibre": True,
              "has_4g": True, "smartphones": 1, "working_age_members": 1,
              "working_age_with_online_skills": 1, "members_using_epayment": 0,
              "has_digital_address": True}  # fmt: skip
    refused = client.post("/surveys", json=survey, headers=auth("techteam.member"))
    assert refused.status_code == 403
    assert "not linked" in refused.json()["detail"]
    assert ok(client.get("/me", headers=auth("techteam.member")))["member"] is None


def test_linking_an_account_lets_the_member_in(client: TestClient, auth: Headers) -> None:
    team = ok(client.post("/teams", json=team_body(), headers=auth("commune.officer")), 201)
    teacher = member_id(team, "teacher")
    link = {"member_id": teacher, "account_subject": subject_of("techteam.member")}
    linked = ok(client.post(f"/teams/{team['team_id']}/accounts", json=link,
                            headers=auth("commune.officer")))  # fmt: skip
    assert next(m for m in linked["members"] if m["member_id"] == teacher)["account_linked"]
    me = ok(client.get("/me", headers=auth("techteam.member")))["member"]
    assert (me["member_id"], me["team_id"]) == (teacher, team["team_id"])


def test_auditors_and_district_officers_read_but_never_write(
    client: TestClient, auth: Headers, team: dict[str, Any]
) -> None:
    task = task_for(client, auth, team)
    for who in ("auditor", "district.officer", "province.admin"):
        assert client.get(f"/tasks/{task['task_id']}", headers=auth(who)).status_code == 200
        assert client.get("/villages/0892001/figures", headers=auth(who)).status_code == 200
        cancel = client.post(f"/tasks/{task['task_id']}/cancel", json={"reason": "x"},
                             headers=auth(who))  # fmt: skip
        assert cancel.status_code == 403, who
    assert (
        client.get("/villages/0892001/figures", headers=auth("neighbour.officer")).status_code
        == 403
    )


def test_a_member_records_facts_of_their_own_village_only(
    client: TestClient, auth: Headers, team: dict[str, Any], other_team: dict[str, Any]
) -> None:
    attestation = {"village_code": "0892002", "facility": "free_wifi_cultural_house",
                   "present": True, "count": 1, "evidence_sha256": "b" * 64}  # fmt: skip
    assert client.post("/attestations", json=attestation,
                       headers=auth("techteam.member")).status_code == 403  # fmt: skip
    own = {**attestation, "village_code": "0892001"}
    made = ok(client.post("/attestations", json=own, headers=auth("techteam.member")), 201)
    assert made["attested_by"] == member_id(team, "youth_union")
    by_officer = client.post("/attestations", json=own, headers=auth("commune.officer"))
    assert by_officer.status_code == 422
    assert by_officer.json()["errors"][0]["field"] == "attested_by"
