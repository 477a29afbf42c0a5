"""Turning aggregates and read-model rows into response bodies (one function per body, used
both for fresh answers and, through the idempotency receipt, for replayed ones)."""

from __future__ import annotations

from typing import Any

from ..adapters.projection import task_row
from ..domain.events import FacilityAttested, HouseholdSurveyed
from ..domain.facts import DatedFacts, Training
from ..domain.task import Task, allowed_steps
from ..domain.team import Team
from ..domain.values import TaskStatus
from .schemas import (
    AttestationView,
    MemberView,
    PlannedTask,
    PlanView,
    Share,
    SurveyView,
    TaskView,
    TeamView,
    TrainingView,
    VillageFigures,
)


def team_view(team: Team) -> TeamView:
    assert team.decision_date is not None
    members = [
        MemberView(
            member_id=m.member_id, role=m.role.value, joined_on=m.joined_on,
            resident_id=m.resident_id, account_linked=m.account_subject is not None,
        )
        for m in sorted(team.active_members, key=lambda m: m.member_id)
    ]  # fmt: skip
    return TeamView(
        team_id=team.id, village_code=team.village_code, decision_number=team.decision_number,
        decision_date=team.decision_date, leader_member_id=team.leader_member_id,
        active=not team.dissolved, dissolved_on=team.dissolved_on, version=team.version,
        members=members,
    )  # fmt: skip


def team_row_view(row: dict[str, Any]) -> TeamView:
    members = [
        MemberView(
            member_id=m["member_id"], role=m["role"], joined_on=m["joined_on"],
            resident_id=m["resident_id"], account_linked=m["account_subject"] is not None,
        )
        for m in row["members"]
    ]  # fmt: skip
    return TeamView(
        team_id=row["team_id"], village_code=row["village_code"],
        decision_number=row["decision_number"], decision_date=row["decision_date"],
        leader_member_id=row["leader_member_id"], active=row["dissolved_on"] is None,
        dissolved_on=row["dissolved_on"], version=row["version"], members=members,
    )  # fmt: skip


def task_row_view(row: dict[str, Any]) -> TaskView:
    steps = allowed_steps(TaskStatus(row["status"]))
    fields = {name: row[name] for name in TaskView.model_fields if name != "allowed_steps"}
    return TaskView(**fields, allowed_steps=steps)


def task_view(task: Task) -> TaskView:
    return task_row_view(task_row(task))


def plan_view(team_id: str, tasks: list[Task]) -> PlanView:
    planned = [
        PlannedTask(task_id=t.id, target_id=task_row(t)["target_id"], status=t.status.value)
        for t in tasks
    ]
    return PlanView(team_id=team_id, tasks=planned)


def survey_view(facts: DatedFacts) -> SurveyView:
    latest = facts.latest
    assert isinstance(latest, HouseholdSurveyed)
    return SurveyView(**latest.model_dump(), surveys=facts.version)


def attestation_view(facts: DatedFacts) -> AttestationView:
    latest = facts.latest
    assert isinstance(latest, FacilityAttested)
    return AttestationView(**latest.model_dump(), attestations=facts.version)


def training_view(training: Training) -> TrainingView:
    facts = training.facts
    assert facts is not None
    return TrainingView(
        training_id=training.id, village_code=facts.village_code, held_on=facts.held_on,
        topic=facts.topic, attendees=len(facts.attendee_ids), led_by=facts.led_by,
    )  # fmt: skip


def figures_view(village_code: str, f: dict[str, Any]) -> VillageFigures:
    surveyed = f["households_surveyed"]
    return VillageFigures(
        village_code=village_code,
        teams_active=f["teams_active"],
        members=f["members"],
        tasks_by_status=f["tasks_by_status"],
        tasks_done=f["tasks_by_status"].get("done", 0),
        tasks_done_by_type=f["tasks_done_by_type"],
        households_known=f["households_known"],
        households_surveyed=surveyed,
        share_households_surveyed=Share.of(surveyed, f["households_known"]),
        share_fibre_or_4g=Share.of(f["with_fibre_or_4g"], surveyed),
        share_digital_address=Share.of(f["with_digital_address"], surveyed),
        smartphones=f["smartphones"],
        share_working_age_with_online_skills=Share.of(
            f["working_age_with_online_skills"], f["working_age_members"]
        ),
        members_using_epayment=f["members_using_epayment"],
        facilities=[
            AttestationView(**{k: row[k] for k in AttestationView.model_fields})
            for row in f["facilities"]
        ],
        trainings=f["trainings"],
        residents_trained=f["residents_trained"],
    )
