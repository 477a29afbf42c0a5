"""Bulk import of a one-stop-shop export: each row becomes a dossier with its whole history.

A row is a snapshot (when it was submitted, received, resolved …); the import replays it through
the aggregate in time order, so imported dossiers obey exactly the rules live ones do, and a
row the lifecycle cannot explain is rejected with the field at fault instead of being stored.

Idempotent by construction: a dossier's stream id is derived from (commune, dossier number), so
rows already recorded — by an earlier import or a live submission — are counted as duplicates.
Fast enough for a commune's year: rows are decided in memory, then stored chunk by chunk, one
transaction per chunk (the appends of one commune queue on its chain head anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from smartcommune.kit.store import ConcurrencyConflict

from ..domain.dossier import Dossier
from ..domain.errors import DomainError, InconsistentCommand, InvalidTransition
from ..domain.events import DossierSubmitted
from .checks import business_time, check_applicant_units, commune, dossier_id_for
from .import_record import ImportRecord
from .ports import Caller, Dependencies, Unit


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    record: ImportRecord


@dataclass(frozen=True)
class ImportDossiers:
    """Rows already parsed (and those the parser refused), for one commune."""

    commune_code: str
    rows: Sequence[ParsedRow]
    rejected: Sequence[Rejection] = ()


@dataclass
class ImportReport:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)


Act = Callable[[Dossier, datetime], None]


def _steps(r: ImportRecord, pause: bool) -> list[tuple[datetime, int, str, Act]]:
    """The row's steps in time order; the table order breaks ties (received before resolved)."""
    table: list[tuple[datetime | None, str, Act]] = [
        (r.received_at, "received_at", lambda d, at: d.receive(r.need("appointment_date"), at)),
        (r.refused_at, "refused_at", lambda d, at: d.refuse(r.need("refusal_reason"), at)),
        (r.processing_started_at, "processing_started_at", lambda d, at: d.start_processing(at)),
        (
            r.supplement_requested_at,
            "supplement_requested_at",
            lambda d, at: d.request_supplement(r.need("supplement_reason"), at),
        ),
        (r.supplemented_at, "supplemented_at", lambda d, at: d.supplement(at, pause_clock=pause)),
        (
            r.extended_at,
            "extended_at",
            lambda d, at: d.extend(
                r.need("extended_due_date"), r.need("extension_reason"), r.need("apology"), at
            ),
        ),
        (r.stopped_at, "stopped_at", lambda d, at: d.stop(r.need("stop_reason"), at)),
        (r.resolved_at, "resolved_at", lambda d, at: d.resolve(r.outcome, at)),
        (r.result_returned_at, "result_returned_at", lambda d, at: d.return_result(at)),
        (r.rated_at, "rated_at", lambda d, at: d.rate(r.need("satisfaction"), at)),
    ]
    steps = [(at, n, name, act) for n, (at, name, act) in enumerate(table) if at is not None]
    return sorted(steps, key=lambda step: (step[0], step[1]))


def build(record: ImportRecord, home: Unit, deps: Dependencies) -> Dossier:
    """The dossier a row describes, with all its events pending; raises `DomainError`."""
    record.check_details()
    check_applicant_units(deps.units, record.applicant_home_commune, record.applicant_village)
    at = business_time(record.submitted_at, deps, "submitted_at")
    facts = DossierSubmitted(**record.submission())
    dossier_id = dossier_id_for(home.code, record.dossier_number)
    dossier = Dossier.submit(dossier_id, home.code, home.path, facts, at)
    for at, _, name, act in _steps(record, deps.pause_clock_during_supplement):
        business_time(at, deps, name)
        try:
            act(dossier, at)
        except InvalidTransition as exc:
            raise InconsistentCommand(name, str(exc)) from None
        except InconsistentCommand as exc:
            if exc.field == "occurred_at":
                raise InconsistentCommand(name, exc.message) from None
            raise
    return dossier


def import_dossiers(
    cmd: ImportDossiers, caller: Caller, deps: Dependencies, _: str | None
) -> ImportReport:
    home = commune(deps.units, cmd.commune_code, "commune_code")
    caller.authorize(home.path)
    report = ImportReport(rejected=list(cmd.rejected))
    decided: dict[str, Dossier] = {}
    for row in cmd.rows:
        try:
            dossier = build(row.record, home, deps)
        except InconsistentCommand as exc:
            report.rejected.append(Rejection(row.row, exc.field, exc.message))
            continue
        except DomainError as exc:
            report.rejected.append(Rejection(row.row, "dossier_number", str(exc)))
            continue
        if dossier.id in decided:  # the same dossier twice in one file
            report.duplicates += 1
            continue
        decided[dossier.id] = dossier
    for chunk in _chunks(list(decided.values()), deps.import_chunk_size):
        added = _store(chunk, caller, deps)
        report.accepted += added
        report.duplicates += len(chunk) - added
    report.rejected.sort(key=lambda rejection: rejection.row)
    return report


def _store(chunk: list[Dossier], caller: Caller, deps: Dependencies, attempts: int = 3) -> int:
    """Append the chunk's new dossiers in one transaction; returns how many were new.

    A concurrent import of the same file may win a race for a dossier between our check and our
    append: the chunk then rolls back and is retried, finding that dossier already there.
    """
    for attempt in range(attempts):
        with deps.uow() as uow:
            known = uow.dossiers.existing(d.id for d in chunk)
            fresh = [d for d in chunk if d.id not in known]
            try:
                for dossier in fresh:
                    uow.dossiers.add(dossier, caller.actor, caller.trace)
            except ConcurrencyConflict:
                if attempt + 1 == attempts:
                    raise
                continue
            uow.commit()
            return len(fresh)
    raise AssertionError("unreachable")


def _chunks(items: list[Dossier], size: int) -> Iterator[list[Dossier]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
