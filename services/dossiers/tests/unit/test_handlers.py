"""The real handlers driven through fakes of a few lines: no database, no HTTP."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Self

import pytest

from smartcommune.dossiers.application import commands as c
from smartcommune.dossiers.application.import_record import ImportRecord
from smartcommune.dossiers.application.importing import ImportDossiers, ParsedRow
from smartcommune.dossiers.application.messagebus import MessageBus
from smartcommune.dossiers.application.ports import Caller, Dependencies
from smartcommune.dossiers.domain.dossier import Change, Dossier
from smartcommune.dossiers.domain.events import DossierSupplemented
from smartcommune.dossiers.testing import synthetic_export
from smartcommune.kit.auth import Forbidden
from smartcommune.kit.events import Actor
from smartcommune.kit.store import ConcurrencyConflict
from smartcommune.kit.units import UnitDirectory, default_units_file


class FakeDossiers:
    def __init__(self) -> None:
        self.streams: dict[str, tuple[str, str, list[Change]]] = {}

    def get(self, dossier_id: str) -> Dossier | None:
        found = self.streams.get(dossier_id)
        return Dossier.replay(dossier_id, *found[:2], list(found[2])) if found else None

    def add(self, dossier: Dossier, actor: Actor, trace: str | None) -> None:
        stored = self.streams.setdefault(dossier.id, (dossier.commune_code, dossier.unit_path, []))
        if len(stored[2]) != dossier.stored_version:
            raise ConcurrencyConflict(dossier.id, dossier.stored_version, len(stored[2]))
        stored[2].extend(dossier.pending)

    def existing(self, dossier_ids: Iterable[str]) -> set[str]:
        return set(dossier_ids) & set(self.streams)


class FakeUnitOfWork:
    def __init__(self, dossiers: FakeDossiers) -> None:
        self.dossiers, self.commits = dossiers, 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def commit(self) -> None:
        self.commits += 1


NOW = datetime(2026, 6, 1, tzinfo=UTC)
UNITS = UnitDirectory.load(default_units_file())


def bus(pause: bool = False) -> tuple[MessageBus, FakeUnitOfWork]:
    uow = FakeUnitOfWork(FakeDossiers())
    deps = Dependencies(lambda: uow, UNITS, pause, lambda: NOW, import_chunk_size=2)
    return MessageBus(deps), uow


def caller(allowed: str = "VN-26/song-lo/cao-phong") -> Caller:
    def guard(unit: str) -> None:
        if not unit.startswith(allowed):
            raise Forbidden(f"{unit} is outside {allowed}")

    return Caller(Actor(subject="officer-1", role="commune-officer"), guard)


SUBMIT = c.SubmitDossier(
    dossier_number="000.26-0001", commune_code="08920", procedure_code="1.001193",
    procedure_name="Đăng ký khai sinh", channel="in_person", receiving_unit="Một cửa",
    applicant_ref="res-123abc", applicant_type="citizen", applicant_home_commune="08920",
    submitted_at=datetime(2026, 5, 4, 1, tzinfo=UTC),
)  # fmt: skip


def at(day: int) -> dict[str, Any]:
    return {"occurred_at": datetime(2026, 5, day, 2, tzinfo=UTC)}


def test_a_submission_is_stored_in_the_communes_stream_and_committed() -> None:
    messages, uow = bus()
    dossier = messages.handle(SUBMIT, caller())
    assert uow.dossiers.streams[dossier.id][:2] == ("08920", "VN-26/song-lo/cao-phong")
    assert uow.commits == 1


def test_the_unit_guard_runs_before_anything_is_stored() -> None:
    messages, uow = bus()
    with pytest.raises(Forbidden):
        messages.handle(SUBMIT, caller("VN-26/song-lo/lang-cong"))
    assert uow.dossiers.streams == {}


def test_a_step_on_a_stale_version_is_refused() -> None:
    messages, _ = bus()
    dossier = messages.handle(SUBMIT, caller())
    receive = c.ReceiveDossier(expected_version=1, appointment_date="2026-05-08", **at(4))
    messages.handle(receive, caller(), dossier.id)
    with pytest.raises(ConcurrencyConflict):
        messages.handle(c.StartProcessing(expected_version=1, **at(5)), caller(), dossier.id)


@pytest.mark.parametrize("pause", [True, False])
def test_the_pause_setting_reaches_the_supplemented_event(pause: bool) -> None:
    messages, uow = bus(pause)
    dossier_id = messages.handle(SUBMIT, caller()).id
    steps = [
        c.ReceiveDossier(expected_version=1, appointment_date="2026-05-08", **at(4)),
        c.RequestSupplement(expected_version=2, reason="thiếu giấy tờ", **at(5)),
        c.SupplementDossier(expected_version=3, **at(8)),
    ]
    for step in steps:
        messages.handle(step, caller(), dossier_id)
    last = uow.dossiers.streams[dossier_id][2][-1].payload
    assert isinstance(last, DossierSupplemented)
    assert (last.clock_paused, last.paused_days) == (pause, 3 if pause else 0)


def test_an_import_stores_in_chunks_and_counts_what_was_already_there() -> None:
    messages, uow = bus()
    rows = [ParsedRow(n, ImportRecord.model_validate(r))
            for n, r in enumerate(synthetic_export("08920", 5, seed=2), start=2)]  # fmt: skip
    first = messages.handle(ImportDossiers("08920", rows[:3]), caller())
    second = messages.handle(ImportDossiers("08920", rows), caller())
    assert (first.accepted, second.accepted, second.duplicates) == (3, 2, 3)
    assert uow.commits == 2 + 3  # chunks of two
