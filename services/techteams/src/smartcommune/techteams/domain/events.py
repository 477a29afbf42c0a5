"""Event payloads of `techteams.events.v1` (all version 1) and the service's registry.

Names and the fields other services rely on are the platform contract (the scoring service
counts indicators from them); the extra fields are for this service's own read model. Who and
when is the envelope's `actor` and `occurred_at`; the business dates of the facts (the day a
survey was made, a member joined) are payload dates, ISO, counted in Vietnam. People appear only
as pseudonymous ids: member ids of this service, resident and household ids of identity.
Nothing is a float: shares are computed by consumers from counts.
"""

from __future__ import annotations

from pydantic import Field

from smartcommune.kit.events import EventPayload, PayloadRegistry

from .values import (
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

registry = PayloadRegistry("techteams")


# ---------------------------------------------------------------- teams (stream = team id)
@registry.register
class TeamEstablished(EventPayload):
    """The commune chairman's decision set the team up; its members follow as `member_joined`."""

    event_type = "team.established"
    event_version = 1
    village_code: VillageCode
    decision_number: DecisionNumber
    decision_date: Day
    leader_member_id: MemberId


@registry.register
class TeamMemberJoined(EventPayload):
    """`account_subject` links the member to a platform account (Keycloak subject)."""

    event_type = "team.member_joined"
    event_version = 1
    member_id: MemberId
    role: MemberRole
    joined_on: Day
    resident_id: ResidentId | None = None
    account_subject: AccountSubject | None = None


@registry.register
class TeamMemberLeft(EventPayload):
    event_type = "team.member_left"
    event_version = 1
    member_id: MemberId
    left_on: Day


@registry.register
class TeamLeaderChanged(EventPayload):
    """The leader hands over; the previous leader stays a member with `previous_leader_role`."""

    event_type = "team.leader_changed"
    event_version = 1
    member_id: MemberId
    previous_leader_member_id: MemberId
    previous_leader_role: MemberRole
    changed_on: Day


@registry.register
class TeamMemberAccountLinked(EventPayload):
    event_type = "team.member_account_linked"
    event_version = 1
    member_id: MemberId
    account_subject: AccountSubject


@registry.register
class TeamDissolved(EventPayload):
    event_type = "team.dissolved"
    event_version = 1
    dissolved_on: Day


# ---------------------------------------------------------------- tasks (stream = task id)
@registry.register
class TaskCreated(EventPayload):
    event_type = "task.created"
    event_version = 1
    team_id: TeamId
    village_code: VillageCode
    task_type: TaskType
    target_kind: TargetKind
    target_id: HouseholdId | ResidentId
    due_date: Day
    note: Note | None = None


@registry.register
class TaskAssigned(EventPayload):
    event_type = "task.assigned"
    event_version = 1
    member_id: MemberId


@registry.register
class TaskCompleted(EventPayload):
    event_type = "task.completed"
    event_version = 1
    outcome: TaskOutcome
    completed_on: Day
    member_id: MemberId | None = None
    note: Note | None = None


@registry.register
class TaskCancelled(EventPayload):
    event_type = "task.cancelled"
    event_version = 1
    reason: ShortText


# ---------------------------------------------------------------- surveys (stream = household id)
@registry.register
class HouseholdSurveyed(EventPayload):
    """One survey of a household's connectivity and skills. One stream per household, and a
    survey is never dated before the previous one: the stream's last event is the latest."""

    event_type = "household.surveyed"
    event_version = 1
    village_code: VillageCode
    household_id: HouseholdId
    surveyed_on: Day
    has_fibre: bool
    has_4g: bool
    smartphones: Count
    working_age_members: People
    working_age_with_online_skills: People
    members_using_epayment: People
    has_digital_address: bool
    surveyed_by: MemberId | None = None


# ----------------------------------------------------- facilities (stream = `<village>:<facility>`)
@registry.register
class FacilityAttested(EventPayload):
    """A team member attests what the village has; the evidence (photo, minutes) stays with
    the commune, the event keeps its SHA-256 so the file can be checked against it later."""

    event_type = "facility.attested"
    event_version = 1
    village_code: VillageCode
    facility: Facility
    present: bool
    count: Count
    attested_by: MemberId
    attested_on: Day
    evidence_sha256: Sha256
    note: Note | None = None


# ---------------------------------------------------------------- trainings (stream = session id)
@registry.register
class TrainingHeld(EventPayload):
    event_type = "training.held"
    event_version = 1
    village_code: VillageCode
    held_on: Day
    topic: ShortText
    attendee_ids: tuple[ResidentId, ...] = Field(min_length=1, max_length=500)
    led_by: MemberId | None = None
