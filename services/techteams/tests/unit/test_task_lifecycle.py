"""A task goes open → assigned → done | cancelled; closed tasks refuse every step and say which
steps were possible; dates are checked against the task's creation and today."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smartcommune.techteams.domain.errors import InconsistentCommand, InvalidTransition
from smartcommune.techteams.domain.events import TaskCreated
from smartcommune.techteams.domain.task import TRANSITIONS, Task, allowed_steps, new_task_id
from smartcommune.techteams.domain.values import TargetKind, TaskOutcome, TaskStatus, TaskType

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
MEMBER = "member-0196f3a0-0000-7000-8000-000000000001"


def new_task(due: date = date(2026, 3, 20)) -> Task:
    facts = TaskCreated(
        team_id="team-0196f3a0-0000-7000-8000-000000000000", village_code="0892001",
        task_type=TaskType.VNEID_INSTALL, target_kind=TargetKind.RESIDENT,
        target_id="resident-6f1f9b7e-2f43-4e43-9d2b-1d8f0d5c2a10", due_date=due,
    )  # fmt: skip
    return Task.create(new_task_id(), "08920", "VN-26/song-lo/cao-phong/thon-1", facts, AT)


def test_a_task_is_assigned_then_done_with_its_outcome() -> None:
    task = new_task()
    task.assign(MEMBER, AT)
    task.complete(TaskOutcome.PARTIAL, date(2026, 3, 10), "installed, level 2 pending", AT)
    assert (task.status, task.outcome, task.assignee) == (
        TaskStatus.DONE, TaskOutcome.PARTIAL, MEMBER,
    )  # fmt: skip
    assert [type(c.payload).__name__ for c in task.pending] == [
        "TaskCreated", "TaskAssigned", "TaskCompleted",
    ]  # fmt: skip


@pytest.mark.parametrize("closed", ["done", "cancelled"])
def test_a_closed_task_refuses_every_step(closed: str) -> None:
    task = new_task()
    task.assign(MEMBER, AT)
    if closed == "done":
        task.complete(TaskOutcome.SUCCEEDED, date(2026, 3, 10), None, AT)
    else:
        task.cancel("household moved away", AT)
    with pytest.raises(InvalidTransition, match="none: the task is closed"):
        task.assign(MEMBER, AT)
    with pytest.raises(InvalidTransition, match="none: the task is closed"):
        task.cancel("again", AT)


def test_an_open_task_is_assigned_before_it_is_done() -> None:
    with pytest.raises(InvalidTransition, match="possible steps: assign, cancel"):
        new_task().complete(TaskOutcome.SUCCEEDED, date(2026, 3, 10), None, AT)


def test_dates_are_checked() -> None:
    with pytest.raises(InconsistentCommand) as past:
        new_task(due=date(2026, 3, 9))
    assert past.value.field == "due_date"
    task = new_task()
    task.assign(MEMBER, AT)
    with pytest.raises(InconsistentCommand) as early:
        task.complete(TaskOutcome.SUCCEEDED, date(2026, 3, 9), None, AT)
    assert early.value.field == "completed_on"


def test_the_transition_table_is_the_allowed_steps() -> None:
    for status in TaskStatus:
        steps = allowed_steps(status)
        assert all((status, step) in TRANSITIONS for step in steps)
    assert allowed_steps(TaskStatus.DONE) == allowed_steps(TaskStatus.CANCELLED) == []
