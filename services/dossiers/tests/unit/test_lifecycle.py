"""The lifecycle, table-driven: every allowed transition and a sample of forbidden ones, plus the
date rules (deadlines, pauses, extensions) that decide "on time"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from smartcommune.dossiers.domain.dossier import Dossier
from smartcommune.dossiers.domain.errors import InconsistentCommand, InvalidTransition
from smartcommune.dossiers.domain.events import DossierSubmitted
from smartcommune.dossiers.domain.lifecycle import TRANSITIONS, Status, Step, allowed_steps
from smartcommune.dossiers.domain.values import VIETNAM, Kind, Outcome, Satisfaction

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def new(kind: Kind = Kind.PROCEDURE) -> Dossier:
    applicant = kind is Kind.PROCEDURE
    facts = DossierSubmitted(
        dossier_number="000.26-0001",
        kind=kind,
        procedure_code="1.001193" if applicant else None,
        procedure_name="Đăng ký khai sinh" if applicant else "Báo cáo quý",
        channel="full_online",
        receiving_unit="Bộ phận một cửa",
        fee_vnd=0,
        applicant_ref="res-1" + "a" * 5 if applicant else None,
        applicant_type="citizen" if applicant else None,
        applicant_home_commune="08920" if applicant else None,
        applicant_village=None,
        handling_department=None if applicant else "Văn phòng UBND",
        handling_officer_ref=None,
    )
    return Dossier.submit("dossier-x", "08920", "VN-26/song-lo/cao-phong", facts, T0)


ACTIONS: dict[Step, Callable[[Dossier, datetime], None]] = {
    Step.RECEIVE: lambda d, t: d.receive(date(2026, 3, 9), t),
    Step.REFUSE: lambda d, t: d.refuse("ngoài thẩm quyền", t),
    Step.START_PROCESSING: lambda d, t: d.start_processing(t),
    Step.REQUEST_SUPPLEMENT: lambda d, t: d.request_supplement("thiếu giấy tờ", t),
    Step.SUPPLEMENT: lambda d, t: d.supplement(t, pause_clock=False),
    Step.EXTEND: lambda d, t: d.extend(date(2026, 3, 20), "cần xác minh", "Thư xin lỗi số 1", t),
    Step.STOP: lambda d, t: d.stop("người nộp rút hồ sơ", t),
    Step.RESOLVE: lambda d, t: d.resolve(Outcome.GRANTED, t),
    Step.RETURN_RESULT: lambda d, t: d.return_result(t),
    Step.RATE: lambda d, t: d.rate(Satisfaction.SATISFIED, t),
}
#: a shortest route from `submitted` to each status
ROUTES: dict[Status, list[Step]] = {
    Status.SUBMITTED: [],
    Status.RECEIVED: [Step.RECEIVE],
    Status.REFUSED: [Step.REFUSE],
    Status.PROCESSING: [Step.RECEIVE, Step.START_PROCESSING],
    Status.SUPPLEMENT_REQUESTED: [Step.RECEIVE, Step.REQUEST_SUPPLEMENT],
    Status.STOPPED: [Step.RECEIVE, Step.STOP],
    Status.RESOLVED: [Step.RECEIVE, Step.RESOLVE],
    Status.RESULT_RETURNED: [Step.RECEIVE, Step.RESOLVE, Step.RETURN_RESULT],
    Status.RATED: [Step.RECEIVE, Step.RESOLVE, Step.RETURN_RESULT, Step.RATE],
}


def reach(status: Status) -> Dossier:
    dossier = new()
    for n, step in enumerate(ROUTES[status], start=1):
        ACTIONS[step](dossier, at(n / 10))
    assert dossier.status is status
    return dossier


@pytest.mark.parametrize(("source", "step"), list(TRANSITIONS), ids=lambda v: str(v))
def test_every_allowed_transition_records_one_event_and_lands_on_its_status(
    source: Status, step: Step
) -> None:
    dossier = reach(source)
    before = dossier.version
    ACTIONS[step](dossier, at(1))
    assert dossier.status is TRANSITIONS[(source, step)]
    assert dossier.version == before + 1
    assert len(dossier.pending) == before + 1


FORBIDDEN = [(s, step) for s in Status for step in Step if (s, step) not in TRANSITIONS]


@pytest.mark.parametrize(("source", "step"), FORBIDDEN[::3], ids=lambda v: str(v))
def test_an_impossible_step_is_refused_and_says_what_is_possible(
    source: Status, step: Step
) -> None:
    dossier = reach(source)
    with pytest.raises(InvalidTransition) as refused:
        ACTIONS[step](dossier, at(1))
    assert refused.value.allowed == allowed_steps(source)
    assert str(source) in str(refused.value)
    assert dossier.status is source


def test_closed_dossiers_allow_nothing() -> None:
    for status in (Status.REFUSED, Status.STOPPED, Status.RATED):
        assert allowed_steps(status) == []


def test_a_work_record_is_never_rated() -> None:
    dossier = new(Kind.WORK_RECORD)
    for n, step in enumerate(ROUTES[Status.RESULT_RETURNED], start=1):
        ACTIONS[step](dossier, at(n))
    with pytest.raises(InvalidTransition, match="work records"):
        dossier.rate(Satisfaction.SATISFIED, at(9))


def test_a_step_cannot_be_dated_before_the_previous_one() -> None:
    dossier = reach(Status.RECEIVED)
    with pytest.raises(InconsistentCommand) as refused:
        dossier.start_processing(at(-1))
    assert refused.value.field == "occurred_at"


def test_the_appointment_cannot_precede_receipt_and_an_extension_must_move_the_date() -> None:
    with pytest.raises(InconsistentCommand, match="appointment_date"):
        new().receive(date(2026, 3, 1), at(0.1))
    dossier = reach(Status.PROCESSING)
    with pytest.raises(InconsistentCommand, match="new_due_date"):
        dossier.extend(date(2026, 3, 9), "r", "a", at(1))


def test_resolved_on_the_due_date_is_on_time_and_the_day_after_is_late() -> None:
    on_time, late = reach(Status.RECEIVED), reach(Status.RECEIVED)
    on_time.resolve(Outcome.GRANTED, datetime(2026, 3, 9, 23, 0, tzinfo=VIETNAM))
    late.resolve(Outcome.GRANTED, datetime(2026, 3, 10, 7, 0, tzinfo=VIETNAM))
    assert (on_time.on_time, on_time.processing_days) == (True, 7)
    assert (late.on_time, late.processing_days) == (False, 8)


def test_an_extension_moves_the_deadline_so_a_later_resolution_is_on_time() -> None:
    dossier = reach(Status.PROCESSING)
    dossier.extend(date(2026, 3, 20), "cần xác minh thêm", "Thư xin lỗi số 12/TXL", at(5))
    dossier.resolve(Outcome.GRANTED, datetime(2026, 3, 18, 10, tzinfo=VIETNAM))
    assert (dossier.extensions, dossier.on_time) == (1, True)


@pytest.mark.parametrize(
    ("pause", "due", "on_time"), [(True, date(2026, 3, 13), True), (False, date(2026, 3, 9), False)]
)
def test_the_pause_setting_decides_whether_waiting_for_a_supplement_moves_the_deadline(
    pause: bool, due: date, on_time: bool
) -> None:
    dossier = reach(Status.RECEIVED)
    dossier.request_supplement("thiếu bản sao", datetime(2026, 3, 3, 9, tzinfo=VIETNAM))
    dossier.supplement(datetime(2026, 3, 7, 9, tzinfo=VIETNAM), pause_clock=pause)
    dossier.resolve(Outcome.GRANTED, datetime(2026, 3, 12, 9, tzinfo=VIETNAM))
    assert (dossier.due_date, dossier.on_time) == (due, on_time)
    assert dossier.paused_days == (4 if pause else 0)


def test_replaying_the_recorded_events_gives_the_same_dossier() -> None:
    dossier = reach(Status.RATED)
    again = Dossier.replay(dossier.id, dossier.commune_code, dossier.unit_path, dossier.pending)
    assert again.status is Status.RATED
    assert (again.version, again.on_time, again.satisfaction) == (
        dossier.version, dossier.on_time, dossier.satisfaction
    )  # fmt: skip
