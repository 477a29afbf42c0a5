"""Tech teams: one community digital-technology team per village that has one (set up by the
commune's decision, led by the village head), household visits planned and done, household
surveys, facility attestations with evidence, training sessions. In the first village the
demo's tech-team member records the field work with their own account."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..api import Api, DemoError, Official
from ..commune import AS_OF, Commune, Village, day
from .identity import People

ROLES = ("leader", "youth_union", "womens_union", "teacher", "commune_official")
FACILITIES = (
    "free_wifi_cultural_house", "security_cameras", "smart_loudspeakers",
    "social_network_channel", "digital_production_model", "e_health_records",
)  # fmt: skip


@dataclass
class Teams:
    teams: dict[str, str] = field(default_factory=dict)  # village code → team id
    members: int = 0
    tasks_done: int = 0
    surveys: int = 0
    attestations: int = 0
    trainings: int = 0
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


def run(techteams: Api, officials: dict[str, Official], commune: Commune, people: People) -> Teams:
    result = Teams()
    field_worker = officials["techteam"]
    for number, village in enumerate(commune.villages, start=1):
        team = None
        if village.profile.team:
            team = _establish(techteams, village, people, number, field_worker)
            result.teams[village.code] = team["team_id"]
            result.members += len(team["members"])
        # the member's own account works in the member's own village only
        own = team is not None and field_worker.admin_unit == village.path
        worker = techteams.as_(field_worker) if own else techteams
        by = None if own or team is None else team["leader_member_id"]
        _wait_for_households(techteams, village)
        if team is not None:
            result.tasks_done += _visits(worker, team, village, people, by)
        result.surveys += _surveys(worker, village, people, by)
        if team is not None:
            result.attestations += _attest(worker, village, by)
            result.trainings += _training(worker, village, people, by)
        result.figures[village.code] = techteams.get(f"/villages/{village.code}/figures")
    return result


def _establish(
    techteams: Api, village: Village, people: People, number: int, field_worker: Official
) -> dict[str, Any]:
    adults = [p for home in village.homes for p in home.members if 20 <= p.age <= 55]
    members = []
    for role, person in zip(ROLES, adults, strict=False):
        member: dict[str, Any] = {"role": role, "resident_id": people.resident(person.key)}
        if role == "youth_union" and field_worker.admin_unit == village.path:
            member["account_subject"] = field_worker.subject
        members.append(member)
    team: dict[str, Any] = techteams.post("/teams", {
        "village_code": village.code, "decision_number": f"{10 + number}/QĐ-UBND",
        "decision_date": day(40 + number).isoformat(), "members": members,
    })  # fmt: skip
    return team


def _wait_for_households(techteams: Api, village: Village, timeout: float = 90.0) -> None:
    """The team plans from the households identity registered, which reach the tech-team
    service through Kafka (its consumer of `identity.events.v1`)."""
    deadline = time.monotonic() + timeout
    while True:
        figures = techteams.get(f"/villages/{village.code}/figures")
        if figures["households_known"] >= len(village.homes):
            return
        if time.monotonic() > deadline:
            raise DemoError(
                f"techteams knows {figures['households_known']} of {len(village.homes)} "
                f"households of {village.code} after {timeout:.0f}s: is its consumer running?"
            )
        time.sleep(1.0)


def _visits(
    worker: Api, team: dict[str, Any], village: Village, people: People, by: str | None
) -> int:
    households = [people.household_ids[home.key] for home in village.homes]
    assignee = by or next(m["member_id"] for m in team["members"] if m["role"] == "youth_union")
    plan = worker.post(f"/teams/{team['team_id']}/visit-plans", {
        "task_type": "household_visit", "household_ids": households,
        "due_date": (AS_OF + timedelta(days=30)).isoformat(), "assignee_member_id": assignee,
        "note": "Hướng dẫn cài VNeID, ví điện tử, Cổng dịch vụ công",
    })  # fmt: skip
    for n, task in enumerate(plan["tasks"]):
        outcome = "not_at_home" if n == len(plan["tasks"]) - 1 else "succeeded"
        worker.post(f"/tasks/{task['task_id']}/complete", {
            "outcome": outcome, "completed_on": AS_OF.isoformat(),
        })  # fmt: skip
    return len(plan["tasks"])


def _surveys(worker: Api, village: Village, people: People, by: str | None) -> int:
    for n, home in enumerate(village.homes):
        working = [p for p in home.members if p.working_age]
        phones = sum(p.smartphone for p in working) + sum(p.age > 60 for p in home.members)
        worker.post("/surveys", {
            "household_id": people.household_ids[home.key], "village_code": village.code,
            "surveyed_on": day(300 + n).isoformat(),
            "has_fibre": home.has_fibre, "has_4g": home.has_4g,
            "smartphones": phones,
            "working_age_members": len(working),
            "working_age_with_online_skills": sum(p.online_skills for p in working),
            "members_using_epayment": sum(p.epayment for p in home.members),
            "has_digital_address": home.digital_address, "surveyed_by": by,
        })  # fmt: skip
    return len(village.homes)


def _attest(worker: Api, village: Village, by: str | None) -> int:
    profile = village.profile
    present = {
        "free_wifi_cultural_house": (profile.wifi, 1),
        "security_cameras": (profile.cameras > 0, profile.cameras),
        "smart_loudspeakers": (True, 2),
        "social_network_channel": (profile.social_channel, 1),
        "digital_production_model": (profile.production_model, 1),
        "e_health_records": (profile.e_health, 1),
    }
    for n, facility in enumerate(FACILITIES):
        there, count = present[facility]
        evidence = f"{village.code}/{facility}/{AS_OF}: biên bản kiểm tra, ảnh chụp".encode()
        worker.post("/attestations", {
            "village_code": village.code, "facility": facility, "present": there,
            "count": count if there else 0, "attested_on": day(330 + n).isoformat(),
            "evidence_sha256": hashlib.sha256(evidence).hexdigest(), "attested_by": by,
            "note": "Kiểm tra thực tế cùng trưởng thôn",
        })  # fmt: skip
    return len(FACILITIES)


def _training(worker: Api, village: Village, people: People, by: str | None) -> int:
    attendees = [people.resident(p.key) for p in village.people if p.online_skills]
    worker.post("/trainings", {
        "village_code": village.code, "held_on": day(250).isoformat(),
        "topic": "Kỹ năng số cơ bản: VNeID, thanh toán không dùng tiền mặt, an toàn thông tin",
        "attendee_ids": attendees, "led_by": by,
    })  # fmt: skip
    return 1
