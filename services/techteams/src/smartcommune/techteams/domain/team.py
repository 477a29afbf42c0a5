"""The Team aggregate: a community digital-technology team (tổ công nghệ số cộng đồng).

Set up by a decision of the commune chairman, one per village, with a leader and 4–10 members.
From the decision on, the invariants hold after every event: between 4 and 10 active members,
exactly one of them the leader. So a member joins before another leaves when the team is at 4,
and the leader hands over (`change_leader`) before leaving. Dates are business dates: a member
never joins before the decision, nor leaves before joining.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from smartcommune.kit.events import EventPayload, uuid7

from .changes import Aggregate
from .errors import InconsistentCommand, InvalidTransition
from .events import (
    TeamDissolved,
    TeamEstablished,
    TeamLeaderChanged,
    TeamMemberAccountLinked,
    TeamMemberJoined,
    TeamMemberLeft,
)
from .values import MAX_MEMBERS, MIN_MEMBERS, MemberRole


def new_team_id() -> str:
    return f"team-{uuid7()}"


def new_member_id() -> str:
    return f"member-{uuid7()}"


@dataclass
class Member:
    member_id: str
    role: MemberRole
    joined_on: date
    resident_id: str | None = None
    account_subject: str | None = None
    left_on: date | None = None

    @property
    def active(self) -> bool:
        return self.left_on is None


@dataclass(frozen=True)
class NewMember:
    """A member as a command names them (the id is given by the service)."""

    role: MemberRole
    resident_id: str | None = None
    account_subject: str | None = None


@dataclass
class Team(Aggregate):
    village_code: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    leader_member_id: str = ""
    members: dict[str, Member] = field(default_factory=dict)
    dissolved_on: date | None = None
    last_day: date | None = None  # the latest business date recorded: nothing goes before it

    # ---------------------------------------------------------------- creating and replaying
    @classmethod
    def establish(
        cls, team_id: str, commune_code: str, unit_path: str, village_code: str,
        decision_number: str, decision_date: date, members: list[NewMember], at: datetime,
    ) -> Team:  # fmt: skip
        if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
            raise InconsistentCommand(
                "members", f"a team has {MIN_MEMBERS} to {MAX_MEMBERS} members, not {len(members)}"
            )
        leaders = [m for m in members if m.role is MemberRole.LEADER]
        if len(leaders) != 1:
            raise InconsistentCommand("members", "exactly one member must have the role leader")
        _unique(members, "members.")
        team = cls(team_id, commune_code, unit_path)
        ids = [new_member_id() for _ in members]
        leader_id = ids[members.index(leaders[0])]
        team._record(
            TeamEstablished(
                village_code=village_code, decision_number=decision_number,
                decision_date=decision_date, leader_member_id=leader_id,
            ),
            at,
        )  # fmt: skip
        for member_id, member in zip(ids, members, strict=True):
            team._record(
                TeamMemberJoined(
                    member_id=member_id, role=member.role, joined_on=decision_date,
                    resident_id=member.resident_id, account_subject=member.account_subject,
                ),
                at,
            )  # fmt: skip
        return team

    @classmethod
    def replay(
        cls, team_id: str, commune_code: str, unit_path: str, history: list[EventPayload]
    ) -> Team:
        if not history or not isinstance(history[0], TeamEstablished):
            raise ValueError(f"{team_id} does not start with team.established")
        team = cls(team_id, commune_code, unit_path)
        team._replay(history)
        return team

    # ---------------------------------------------------------------- reading
    @property
    def active_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.active]

    @property
    def dissolved(self) -> bool:
        return self.dissolved_on is not None

    def active_member(self, member_id: str, field_name: str = "member_id") -> Member:
        member = self.members.get(member_id)
        if member is None or not member.active:
            message = f"{member_id} is not an active member of the team"
            raise InconsistentCommand(field_name, message)
        return member

    def member_by_account(self, subject: str) -> Member | None:
        for member in self.active_members:
            if member.account_subject == subject:
                return member
        return None

    # ---------------------------------------------------------------- commands
    def join(self, new: NewMember, joined_on: date, at: datetime) -> str:
        self._check_open(joined_on, "joined_on")
        if new.role is MemberRole.LEADER:
            raise InconsistentCommand("role", "the team has a leader: use the leader hand-over")
        if len(self.active_members) >= MAX_MEMBERS:
            raise InvalidTransition(f"the team has {MAX_MEMBERS} members already", "full")
        _unique([*self._as_new(), new], "")
        member_id = new_member_id()
        self._record(
            TeamMemberJoined(
                member_id=member_id, role=new.role, joined_on=joined_on,
                resident_id=new.resident_id, account_subject=new.account_subject,
            ),
            at,
        )  # fmt: skip
        return member_id

    def leave(self, member_id: str, left_on: date, at: datetime) -> None:
        self._check_open(left_on, "left_on")
        self.active_member(member_id)
        if member_id == self.leader_member_id:
            raise InvalidTransition("the leader cannot leave: hand the lead over first", "leader")
        if len(self.active_members) <= MIN_MEMBERS:
            raise InvalidTransition(
                f"the team would fall below {MIN_MEMBERS} members: add one first", "minimum"
            )
        self._record(TeamMemberLeft(member_id=member_id, left_on=left_on), at)

    def change_leader(
        self, member_id: str, previous_leader_role: MemberRole, changed_on: date, at: datetime
    ) -> None:
        self._check_open(changed_on, "changed_on")
        self.active_member(member_id)
        if member_id == self.leader_member_id:
            raise InconsistentCommand("member_id", "is the leader already")
        if previous_leader_role is MemberRole.LEADER:
            raise InconsistentCommand("previous_leader_role", "a team has one leader")
        self._record(
            TeamLeaderChanged(
                member_id=member_id, previous_leader_member_id=self.leader_member_id,
                previous_leader_role=previous_leader_role, changed_on=changed_on,
            ),
            at,
        )  # fmt: skip

    def link_account(self, member_id: str, subject: str, at: datetime) -> None:
        if self.dissolved:
            raise InvalidTransition("the team is dissolved", "dissolved")
        member = self.active_member(member_id)
        if member.account_subject == subject:
            return  # already linked: nothing to record
        holder = self.member_by_account(subject)
        if holder is not None:
            raise InconsistentCommand("account_subject", f"is linked to {holder.member_id}")
        self._record(TeamMemberAccountLinked(member_id=member_id, account_subject=subject), at)

    def dissolve(self, dissolved_on: date, at: datetime) -> None:
        self._check_open(dissolved_on, "dissolved_on")
        self._record(TeamDissolved(dissolved_on=dissolved_on), at)

    # ---------------------------------------------------------------- deciding and applying
    def _check_open(self, day: date, field_name: str) -> None:
        if self.dissolved:
            raise InvalidTransition("the team is dissolved", "dissolved")
        if self.last_day is not None and day < self.last_day:
            last = self.last_day.isoformat()
            raise InconsistentCommand(field_name, f"must not be before {last}, the last change")

    def _as_new(self) -> list[NewMember]:
        return [NewMember(m.role, m.resident_id, m.account_subject) for m in self.active_members]

    def _apply(self, payload: EventPayload) -> None:
        match payload:
            case TeamEstablished() as facts:
                self.village_code, self.decision_number = facts.village_code, facts.decision_number
                self.decision_date, self.last_day = facts.decision_date, facts.decision_date
                self.leader_member_id = facts.leader_member_id
            case TeamMemberJoined() as facts:
                self.members[facts.member_id] = Member(
                    facts.member_id, facts.role, facts.joined_on, facts.resident_id,
                    facts.account_subject,
                )  # fmt: skip
                self.last_day = max(self.last_day or facts.joined_on, facts.joined_on)
            case TeamMemberLeft(member_id=member_id, left_on=left_on):
                self.members[member_id].left_on = left_on
                self.last_day = max(self.last_day or left_on, left_on)
            case TeamLeaderChanged() as facts:
                self.members[facts.previous_leader_member_id].role = facts.previous_leader_role
                self.members[facts.member_id].role = MemberRole.LEADER
                self.leader_member_id = facts.member_id
                self.last_day = max(self.last_day or facts.changed_on, facts.changed_on)
            case TeamMemberAccountLinked(member_id=member_id, account_subject=subject):
                self.members[member_id].account_subject = subject
            case TeamDissolved(dissolved_on=day):
                self.dissolved_on = day
            case _:
                raise ValueError(f"a team has no event {type(payload).__name__}")


def _unique(members: list[NewMember], prefix: str) -> None:
    """A resident sits once on a team; an account belongs to one member."""
    for name in ("resident_id", "account_subject"):
        values = [getattr(m, name) for m in members if getattr(m, name) is not None]
        if len(set(values)) != len(values):
            raise InconsistentCommand(prefix + name, "names a member already on the team")
