"""Commands: what a caller asks for, validated field by field before any handler runs.

They double as the REST request bodies, so OpenAPI shows exactly what a handler accepts. Business
dates (`joined_on`, `surveyed_on`, …) default to today in Vietnam and may be earlier — a visit
recorded when the phone is back online — never later.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..domain.values import (
    AccountSubject,
    Count,
    Day,
    DecisionNumber,
    Facility,
    HouseholdId,
    MemberId,
    MemberRole,
    Note,
    People,
    ResidentId,
    Sha256,
    ShortText,
    TargetKind,
    TaskOutcome,
    TaskType,
    TeamId,
    VillageCode,
)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- teams
class MemberSpec(Command):
    role: MemberRole
    resident_id: ResidentId | None = Field(None, description="the member as a resident, if known")
    account_subject: AccountSubject | None = Field(
        None, description="the member's platform account (Keycloak subject), to see their tasks"
    )


class EstablishTeam(Command):
    village_code: VillageCode
    decision_number: DecisionNumber = Field(description="the commune decision, e.g. 12/QĐ-UBND")
    decision_date: Day
    members: list[MemberSpec] = Field(min_length=1, max_length=20, description="4–10, one leader")


class AddMember(MemberSpec):
    joined_on: Day | None = None


class RemoveMember(Command):
    member_id: MemberId
    left_on: Day | None = None


class ChangeLeader(Command):
    member_id: MemberId = Field(description="the new leader, an active member")
    previous_leader_role: MemberRole = Field(description="the former leader's role from now on")
    changed_on: Day | None = None


class LinkAccount(Command):
    member_id: MemberId
    account_subject: AccountSubject


class DissolveTeam(Command):
    dissolved_on: Day | None = None


# ---------------------------------------------------------------- tasks
class CreateTask(Command):
    team_id: TeamId
    task_type: TaskType
    target_kind: TargetKind
    target_id: HouseholdId | ResidentId
    due_date: Day
    note: Note | None = None
    assignee_member_id: MemberId | None = None


class AssignTask(Command):
    member_id: MemberId


class CompleteTask(Command):
    outcome: TaskOutcome
    completed_on: Day | None = None
    note: Note | None = None


class CancelTask(Command):
    reason: ShortText


class PlanVisits(Command):
    """One task per selected household, in one call (and one transaction)."""

    task_type: TaskType = TaskType.HOUSEHOLD_VISIT
    household_ids: Annotated[list[HouseholdId], Field(min_length=1, max_length=200)]
    due_date: Day
    assignee_member_id: MemberId | None = None
    note: Note | None = None


# ---------------------------------------------------------------- surveys, facilities, trainings
class RecordSurvey(Command):
    household_id: HouseholdId
    village_code: VillageCode
    surveyed_on: Day | None = None
    has_fibre: bool
    has_4g: bool
    smartphones: Count
    working_age_members: People
    working_age_with_online_skills: People
    members_using_epayment: People
    has_digital_address: bool
    surveyed_by: MemberId | None = Field(None, description="defaults to the calling member")


class AttestFacility(Command):
    village_code: VillageCode
    facility: Facility
    present: bool
    count: Count = Field(description="cameras, loudspeakers, models; otherwise 1 or 0")
    attested_on: Day | None = None
    evidence_sha256: Sha256 = Field(description="SHA-256 (hex) of the evidence file")
    note: Note | None = None
    attested_by: MemberId | None = Field(None, description="defaults to the calling member")


class RecordTraining(Command):
    village_code: VillageCode
    held_on: Day | None = None
    topic: ShortText
    attendee_ids: Annotated[list[ResidentId], Field(min_length=1, max_length=500)]
    led_by: MemberId | None = Field(None, description="defaults to the calling member")
