"""Response bodies of the REST API (request bodies are the application's commands).

Small on purpose — a phone on a 2G connection fetches them: ids, codes, dates and counts; no
history, no names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this service is answered."""

    type: str
    title: str
    title_vi: str | None = None
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = Field(None, description="[{field, message}] for 4xx")


class MemberView(BaseModel):
    member_id: str
    role: str
    joined_on: date
    resident_id: str | None
    account_linked: bool


class TeamView(BaseModel):
    team_id: str
    village_code: str
    decision_number: str
    decision_date: date
    leader_member_id: str
    active: bool
    dissolved_on: date | None
    version: int
    members: list[MemberView] = Field(description="the active members")


class TeamSummary(BaseModel):
    team_id: str
    village_code: str
    decision_number: str
    active: bool
    active_members: int


class TeamPage(BaseModel):
    items: list[TeamSummary]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null: last")


class TaskView(BaseModel):
    task_id: str
    team_id: str
    village_code: str
    task_type: str
    target_kind: str
    target_id: str
    due_date: date
    note: str | None
    status: str
    assignee_member_id: str | None
    outcome: str | None
    completed_on: date | None
    cancel_reason: str | None
    version: int
    allowed_steps: list[str]


class TaskPage(BaseModel):
    items: list[TaskView]
    next_cursor: str | None


class PlannedTask(BaseModel):
    task_id: str
    target_id: str
    status: str


class PlanView(BaseModel):
    team_id: str
    tasks: list[PlannedTask]


class SurveyView(BaseModel):
    household_id: str
    village_code: str
    surveyed_on: date
    has_fibre: bool
    has_4g: bool
    smartphones: int
    working_age_members: int
    working_age_with_online_skills: int
    members_using_epayment: int
    has_digital_address: bool
    surveyed_by: str | None
    surveys: int = Field(description="how many surveys of the household; this is the latest")


class AttestationView(BaseModel):
    village_code: str
    facility: str
    present: bool
    count: int
    attested_by: str
    attested_on: date
    evidence_sha256: str
    note: str | None = None
    attestations: int = Field(description="how many attestations; this is the latest")


class TrainingView(BaseModel):
    training_id: str
    village_code: str
    held_on: date
    topic: str
    attendees: int
    led_by: str | None


class UnsurveyedHousehold(BaseModel):
    household_id: str
    members: int
    last_surveyed_on: date | None


class UnsurveyedPage(BaseModel):
    since: date = Field(description="households with no survey on or after this day")
    items: list[UnsurveyedHousehold]
    next_cursor: str | None


class Share(BaseModel):
    """numerator / denominator, and the same in per mille (integer, rounded down; null for 0/0)."""

    numerator: int
    denominator: int
    per_mille: int | None

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Share:
        value = numerator * 1000 // denominator if denominator else None
        return cls(numerator=numerator, denominator=denominator, per_mille=value)


class VillageFigures(BaseModel):
    village_code: str
    teams_active: int
    members: int = Field(description="active members of the active team(s)")
    tasks_by_status: dict[str, int]
    tasks_done: int
    tasks_done_by_type: dict[str, int]
    households_known: int = Field(description="households identity registered in the village")
    households_surveyed: int
    share_households_surveyed: Share
    share_fibre_or_4g: Share = Field(description="among surveyed households (latest surveys)")
    share_digital_address: Share
    smartphones: int
    share_working_age_with_online_skills: Share
    members_using_epayment: int
    facilities: list[AttestationView] = Field(description="the latest attestation of each")
    trainings: int
    residents_trained: int = Field(description="distinct residents who attended a training")


class MeView(BaseModel):
    subject: str
    roles: list[str]
    admin_unit: str | None
    member: dict[str, Any] | None = Field(description="the team member record linked, if any")
