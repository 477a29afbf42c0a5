"""The dossier lifecycle (forms of Circular 03/2025/TT-VPCP) as one transition table.

The table is data so that the API can say, when a step is refused, which steps *are* possible,
and so that the tests can walk every allowed transition without restating the rules.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    SUBMITTED = "submitted"
    RECEIVED = "received"
    REFUSED = "refused"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    STOPPED = "stopped"
    RESOLVED = "resolved"
    RESULT_RETURNED = "result_returned"
    RATED = "rated"


class Step(StrEnum):
    """A command on an existing dossier; the value is its URL segment."""

    RECEIVE = "receive"
    REFUSE = "refuse"
    START_PROCESSING = "start-processing"
    REQUEST_SUPPLEMENT = "request-supplement"
    SUPPLEMENT = "supplement"
    EXTEND = "extend"
    STOP = "stop"
    RESOLVE = "resolve"
    RETURN_RESULT = "return-result"
    RATE = "rate"


S = Status
#: (status, step) → status afterwards. An extension keeps the status: it moves the due date.
TRANSITIONS: dict[tuple[Status, Step], Status] = {
    (S.SUBMITTED, Step.RECEIVE): S.RECEIVED,
    (S.SUBMITTED, Step.REFUSE): S.REFUSED,
    (S.RECEIVED, Step.START_PROCESSING): S.PROCESSING,
    (S.RECEIVED, Step.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, Step.EXTEND): S.RECEIVED,
    (S.RECEIVED, Step.STOP): S.STOPPED,
    (S.RECEIVED, Step.RESOLVE): S.RESOLVED,
    (S.PROCESSING, Step.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, Step.EXTEND): S.PROCESSING,
    (S.PROCESSING, Step.STOP): S.STOPPED,
    (S.PROCESSING, Step.RESOLVE): S.RESOLVED,
    (S.SUPPLEMENT_REQUESTED, Step.SUPPLEMENT): S.PROCESSING,
    (S.SUPPLEMENT_REQUESTED, Step.STOP): S.STOPPED,
    (S.RESOLVED, Step.RETURN_RESULT): S.RESULT_RETURNED,
    (S.RESULT_RETURNED, Step.RATE): S.RATED,
}

FINAL = frozenset({S.REFUSED, S.STOPPED, S.RATED})


def allowed_steps(status: Status) -> list[Step]:
    """The steps possible from `status`, in the order of the table."""
    return [step for (source, step) in TRANSITIONS if source is status]
