"""The Task aggregate: one piece of a team's work for one household or resident.

open → assigned → done | cancelled. An assigned task may be re-assigned to another member; a
done or cancelled task is closed. Completion carries the outcome of the visit, dated no earlier
than the day the task was created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smartcommune.kit.events import EventPayload, uuid7

from .changes import Aggregate
from .errors import InconsistentCommand, InvalidTransition
from .events import TaskAssigned, TaskCancelled, TaskCompleted, TaskCreated
from .values import TaskOutcome, TaskStatus, local_date

#: (status, step) → status afterwards; the data behind the 409 that names what is possible.
TRANSITIONS: dict[tuple[TaskStatus, str], TaskStatus] = {
    (TaskStatus.OPEN, "assign"): TaskStatus.ASSIGNED,
    (TaskStatus.ASSIGNED, "assign"): TaskStatus.ASSIGNED,
    (TaskStatus.ASSIGNED, "complete"): TaskStatus.DONE,
    (TaskStatus.OPEN, "cancel"): TaskStatus.CANCELLED,
    (TaskStatus.ASSIGNED, "cancel"): TaskStatus.CANCELLED,
}


def new_task_id() -> str:
    return f"task-{uuid7()}"


def allowed_steps(status: TaskStatus) -> list[str]:
    return [step for (source, step) in TRANSITIONS if source is status]


@dataclass
class Task(Aggregate):
    facts: TaskCreated | None = None
    created_on: date | None = None
    status: TaskStatus = TaskStatus.OPEN
    assignee: str | None = None
    outcome: TaskOutcome | None = None
    completed_on: date | None = None
    cancel_reason: str | None = None

    @classmethod
    def create(
        cls, task_id: str, commune_code: str, unit_path: str, facts: TaskCreated, at: datetime
    ) -> Task:
        if facts.due_date < local_date(at):
            raise InconsistentCommand("due_date", "must not be in the past")
        task = cls(task_id, commune_code, unit_path, created_on=local_date(at))
        task._record(facts, at)
        return task

    @classmethod
    def replay(
        cls,
        task_id: str,
        commune_code: str,
        unit_path: str,
        history: list[tuple[EventPayload, date]],
    ) -> Task:
        """`history`: each payload with the Vietnam date it was recorded on."""
        if not history or not isinstance(history[0][0], TaskCreated):
            raise ValueError(f"{task_id} does not start with task.created")
        task = cls(task_id, commune_code, unit_path, created_on=history[0][1])
        task._replay([payload for payload, _ in history])
        return task

    @property
    def team_id(self) -> str:
        assert self.facts is not None
        return self.facts.team_id

    def assign(self, member_id: str, at: datetime) -> None:
        self._check("assign")
        if member_id == self.assignee:
            return  # assigned to them already: nothing to record
        self._record(TaskAssigned(member_id=member_id), at)

    def complete(self, outcome: TaskOutcome, completed_on: date, note: str | None,
                 at: datetime) -> None:  # fmt: skip
        self._check("complete")
        assert self.created_on is not None
        if completed_on < self.created_on:
            raise InconsistentCommand("completed_on", "must not be before the task was created")
        if completed_on > local_date(at):
            raise InconsistentCommand("completed_on", "must not be in the future")
        facts = TaskCompleted(
            outcome=outcome, completed_on=completed_on, member_id=self.assignee, note=note
        )
        self._record(facts, at)

    def cancel(self, reason: str, at: datetime) -> None:
        self._check("cancel")
        self._record(TaskCancelled(reason=reason), at)

    def _check(self, step: str) -> None:
        if (self.status, step) not in TRANSITIONS:
            possible = ", ".join(allowed_steps(self.status)) or "none: the task is closed"
            raise InvalidTransition(
                f"cannot {step} a task that is {self.status}; possible steps: {possible}",
                self.status.value,
            )

    def _apply(self, payload: EventPayload) -> None:
        match payload:
            case TaskCreated() as facts:
                self.facts = facts
            case TaskAssigned(member_id=member_id):
                self.status, self.assignee = TaskStatus.ASSIGNED, member_id
            case TaskCompleted(outcome=outcome, completed_on=day):
                self.status, self.outcome, self.completed_on = TaskStatus.DONE, outcome, day
            case TaskCancelled(reason=reason):
                self.status, self.cancel_reason = TaskStatus.CANCELLED, reason
            case _:
                raise ValueError(f"a task has no event {type(payload).__name__}")
