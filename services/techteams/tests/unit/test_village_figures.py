"""The village projection matches a hand-computed example — latest survey per household,
latest attestation per facility, distinct residents trained — and survives a rebuild from the
event store."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from smartcommune.techteams.adapters.projection import rebuild_projections
from smartcommune.techteams.bootstrap import Service

from .conftest import Headers, household, member_id, ok, resident


def survey(h: str, day: str, **facts: Any) -> dict[str, Any]:
    return {"household_id": h, "village_code": "0892001", "surveyed_on": day, "has_fibre": False,
            "has_4g": False, "smartphones": 0, "working_age_members": 0,
            "working_age_with_online_skills": 0, "members_using_epayment": 0,
            "has_digital_address": False, **facts}  # fmt: skip


def test_figures_of_a_village_by_hand_and_after_a_rebuild(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    member = auth  # every write below is the linked member's, each with its own key
    a, b, c = household(), household(), household()
    for body in (
        survey(a, "2026-01-10", has_4g=True, smartphones=1, working_age_members=2),
        survey(a, "2026-03-01", has_fibre=True, smartphones=3, working_age_members=2,
               working_age_with_online_skills=2, members_using_epayment=2,
               has_digital_address=True),  # a's latest: this one counts
        survey(b, "2026-02-15", has_4g=True, smartphones=2, working_age_members=3,
               working_age_with_online_skills=1, members_using_epayment=1),
        survey(c, "2026-02-20"),
    ):  # fmt: skip
        ok(client.post("/surveys", json=body, headers=member("techteam.member")), 201)
    cameras = {"village_code": "0892001", "facility": "security_cameras", "present": True,
               "count": 2, "attested_on": "2026-02-01", "evidence_sha256": "1" * 64}  # fmt: skip
    ok(client.post("/attestations", json=cameras, headers=member("techteam.member")), 201)
    later = {**cameras, "count": 3, "attested_on": "2026-03-05", "evidence_sha256": "2" * 64}
    ok(client.post("/attestations", json=later, headers=member("techteam.member")), 201)
    x, y, z = resident(), resident(), resident()
    for attendees in ([x, y], [y, z]):
        body = {"village_code": "0892001", "topic": "Cài đặt VNeID", "attendee_ids": attendees,
                "held_on": "2026-03-02"}  # fmt: skip
        ok(client.post("/trainings", json=body, headers=member("techteam.member")), 201)
    me = member_id(team, "youth_union")
    for outcome in ("succeeded", None):
        task = {"team_id": team["team_id"], "task_type": "e_health_record",
                "target_kind": "resident", "target_id": resident(), "due_date": "2026-03-31",
                "assignee_member_id": me}  # fmt: skip
        made = ok(client.post("/tasks", json=task, headers=member("techteam.member")), 201)
        if outcome:
            ok(client.post(f"/tasks/{made['task_id']}/complete", json={"outcome": outcome},
                           headers=member("techteam.member")))  # fmt: skip

    expected = {
        "village_code": "0892001", "teams_active": 1, "members": 5,
        "tasks_by_status": {"assigned": 1, "done": 1}, "tasks_done": 1,
        "tasks_done_by_type": {"e_health_record": 1},
        "households_known": 0, "households_surveyed": 3,
        "share_households_surveyed": {"numerator": 3, "denominator": 0, "per_mille": None},
        "share_fibre_or_4g": {"numerator": 2, "denominator": 3, "per_mille": 666},
        "share_digital_address": {"numerator": 1, "denominator": 3, "per_mille": 333},
        "smartphones": 5,
        "share_working_age_with_online_skills": {"numerator": 3, "denominator": 5,
                                                 "per_mille": 600},
        "members_using_epayment": 3,
        "facilities": [{"village_code": "0892001", "facility": "security_cameras",
                        "present": True, "count": 3, "attested_by": me,
                        "attested_on": "2026-03-05", "evidence_sha256": "2" * 64, "note": None,
                        "attestations": 2}],
        "trainings": 2, "residents_trained": 3,
    }  # fmt: skip
    figures = ok(client.get("/villages/0892001/figures", headers=auth("district.officer")))
    assert figures == expected
    latest = ok(client.get(f"/households/{a}/survey", headers=auth("auditor")))
    assert (latest["surveyed_on"], latest["smartphones"], latest["surveys"]) == ("2026-03-01", 3, 2)

    assert rebuild_projections(service.engine) == 1 + 2 + 3 + 1 + 2  # team, tasks, ...
    assert ok(client.get("/villages/0892001/figures", headers=auth("auditor"))) == expected
