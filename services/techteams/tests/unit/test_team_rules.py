"""A team's invariants hold after every event: 4–10 active members, exactly one leader, dates
never before the last change, nothing after dissolution — and a replay gives the same team."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smartcommune.techteams.domain.changes import Change
from smartcommune.techteams.domain.errors import InconsistentCommand, InvalidTransition
from smartcommune.techteams.domain.team import NewMember, Team, new_team_id
from smartcommune.techteams.domain.values import MemberRole

AT = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
DECIDED = date(2026, 2, 1)
R = MemberRole
RESIDENT = "resident-6f1f9b7e-2f43-4e43-9d2b-1d8f0d5c2a10"


def members(n: int, leaders: int = 1) -> list[NewMember]:
    return [NewMember(R.LEADER if i < leaders else R.OTHER) for i in range(n)]


def team_of(n: int) -> Team:
    args = ("08920", "VN-26/song-lo/cao-phong/thon-1", "0892001", "12/QĐ-UBND", DECIDED)
    return Team.establish(new_team_id(), *args, members(n), AT)


@pytest.mark.parametrize("size", [4, 7, 10])
def test_a_team_is_established_with_four_to_ten_members_and_one_leader(size: int) -> None:
    team = team_of(size)
    assert len(team.active_members) == size
    assert [m.role for m in team.active_members].count(R.LEADER) == 1
    assert team.members[team.leader_member_id].role is R.LEADER
    kinds = [type(c.payload).__name__ for c in team.pending]
    assert kinds == ["TeamEstablished", *["TeamMemberJoined"] * size]


@pytest.mark.parametrize(("size", "leaders"), [(3, 1), (11, 1), (5, 0), (5, 2)])
def test_a_team_outside_the_rules_is_refused(size: int, leaders: int) -> None:
    args = ("08920", "VN-26/song-lo/cao-phong/thon-1", "0892001", "12/QĐ-UBND", DECIDED)
    with pytest.raises(InconsistentCommand) as refused:
        Team.establish(new_team_id(), *args, members(size, leaders), AT)
    assert refused.value.field == "members"


def test_an_eleventh_member_cannot_join() -> None:
    team = team_of(9)
    team.join(NewMember(R.TEACHER), date(2026, 2, 2), AT)
    with pytest.raises(InvalidTransition, match="10 members"):
        team.join(NewMember(R.TEACHER), date(2026, 2, 3), AT)


def test_nobody_leaves_a_team_of_four_and_the_leader_hands_over_first() -> None:
    team = team_of(4)
    other = next(m.member_id for m in team.active_members if m.role is R.OTHER)
    with pytest.raises(InvalidTransition, match="below 4"):
        team.leave(other, date(2026, 2, 5), AT)
    newcomer = team.join(NewMember(R.YOUTH_UNION), date(2026, 2, 5), AT)
    old_leader = team.leader_member_id
    with pytest.raises(InvalidTransition, match="hand the lead over"):
        team.leave(old_leader, date(2026, 2, 6), AT)
    team.change_leader(newcomer, R.VILLAGE_HEAD, date(2026, 2, 6), AT)
    assert (team.leader_member_id, team.members[old_leader].role) == (newcomer, R.VILLAGE_HEAD)
    team.leave(old_leader, date(2026, 2, 7), AT)
    assert len(team.active_members) == 4
    assert [m.role for m in team.active_members].count(R.LEADER) == 1


def test_a_second_leader_cannot_join_and_dates_never_go_back() -> None:
    team = team_of(5)
    with pytest.raises(InconsistentCommand) as second:
        team.join(NewMember(R.LEADER), date(2026, 2, 2), AT)
    assert second.value.field == "role"
    with pytest.raises(InconsistentCommand) as early:
        team.join(NewMember(R.TEACHER), date(2026, 1, 31), AT)
    assert early.value.field == "joined_on"


def test_a_resident_sits_once_on_a_team() -> None:
    team = team_of(5)
    team.join(NewMember(R.TEACHER, resident_id=RESIDENT), date(2026, 2, 2), AT)
    with pytest.raises(InconsistentCommand) as twice:
        team.join(NewMember(R.OTHER, resident_id=RESIDENT), date(2026, 2, 2), AT)
    assert twice.value.field == "resident_id"


def test_a_dissolved_team_changes_no_more() -> None:
    team = team_of(5)
    team.dissolve(date(2026, 3, 1), AT)
    with pytest.raises(InvalidTransition, match="dissolved"):
        team.join(NewMember(R.TEACHER), date(2026, 3, 1), AT)
    with pytest.raises(InvalidTransition, match="dissolved"):
        team.dissolve(date(2026, 3, 2), AT)


def test_a_replay_of_the_recorded_events_gives_the_same_team() -> None:
    team = team_of(5)
    newcomer = team.join(NewMember(R.TEACHER), date(2026, 2, 2), AT)
    team.change_leader(newcomer, R.OTHER, date(2026, 2, 3), AT)
    team.leave(next(iter(team.members)), date(2026, 2, 4), AT)
    history: list[Change] = list(team.pending)
    again = Team.replay(team.id, team.commune_code, team.unit_path, [c.payload for c in history])
    assert (again.members, again.leader_member_id, again.version) == (
        team.members, team.leader_member_id, team.version,
    )  # fmt: skip
