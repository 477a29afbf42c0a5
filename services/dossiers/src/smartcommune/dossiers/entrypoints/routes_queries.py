"""Read endpoints: one dossier with its history, lists by unit, statistics, CSV exports.

Units are named by code in the path; the directory gives their path, which is what the READ rule
is checked against (a district officer reads every commune below the district).
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Principal, authorize
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.units import AdminUnit

from ..adapters.csv_export import dossiers_csv, statistics_csv
from ..application import views
from ..application.errors import DossierNotFound
from ..application.statistics import Figures, Tally, total
from ..bootstrap import Service
from ..domain.errors import InconsistentCommand
from ..domain.lifecycle import Status
from ..domain.values import Channel, Day, Kind, ProcedureCode
from .routes_commands import DossierId
from .rules import READ
from .schemas import CommuneFigures, DossierPage, DossierWithHistory, FiguresView, StatisticsView
from .schemas import UnitView as UnitBody
from .views import dossier_view, history_entry

UnitCode = Annotated[str, Path(pattern=r"^[0-9]{2,7}$", description="a unit code, e.g. 08920")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status | None = None
    kind: Kind | None = None
    channel: Channel | None = None
    procedure_code: ProcedureCode | None = None
    submitted_from: Day | None = None
    submitted_to: Day | None = None
    cursor: str | None = Field(None, max_length=400, description="next_cursor of the last page")
    limit: int = Field(50, ge=1, le=200)


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    period_from: Day = Field(alias="from", description="first day, inclusive")
    period_to: Day = Field(alias="to", description="last day, inclusive")
    kind: Kind = Kind.PROCEDURE


def query_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["queries"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    def readable(code: str, who: Principal) -> AdminUnit:
        unit = service.units.get(code)
        if unit is None:
            raise HTTPException(404, f"no administrative unit {code}")
        authorize(who, READ, unit.path)
        if unit.type == "village":
            raise InconsistentCommand("unit_code", "dossiers are kept per commune, not village")
        return unit

    def period(q: PeriodQuery) -> tuple[date, date]:
        if q.period_from > q.period_to:
            raise InconsistentCommand("to", "must not be before from")
        return q.period_from, q.period_to

    def filters(q: ListQuery) -> views.ListFilters:
        return views.ListFilters(
            q.status, q.kind, q.channel, q.procedure_code, q.submitted_from, q.submitted_to
        )

    @router.get("/dossiers/{dossier_id}", operation_id="get_dossier")
    def get_dossier(dossier_id: DossierId, who: Who) -> DossierWithHistory:
        """The dossier as it is now, and every event of its stream with its chain position."""
        with UnitOfWork(service.engine, read_only=True) as uow:
            row = views.summary(uow.session, dossier_id)
            if row is None:
                raise DossierNotFound(dossier_id)
            authorize(who, READ, row["unit_path"])
            envelopes = views.history(uow.session, service.store, dossier_id)
        view = dossier_view(row)
        return DossierWithHistory(
            **view.model_dump(), history=[history_entry(e) for e in envelopes]
        )

    @router.get("/units/{unit_code}/dossiers", operation_id="list_dossiers")
    def list_dossiers(
        unit_code: UnitCode, q: Annotated[ListQuery, Query()], who: Who
    ) -> DossierPage:
        """Dossiers of the unit's communes, newest first, a page at a time."""
        unit = readable(unit_code, who)
        with UnitOfWork(service.engine, read_only=True) as uow:
            rows, cursor = views.page(uow.session, unit.path, filters(q), q.cursor, q.limit)
        return DossierPage(items=[dossier_view(r) for r in rows], next_cursor=cursor)

    @router.get(
        "/units/{unit_code}/dossiers.csv",
        operation_id="export_dossiers_csv",
        response_class=StreamingResponse,
        responses=CSV,
    )
    def export_dossiers_csv(
        unit_code: UnitCode, q: Annotated[ListQuery, Query()], who: Who
    ) -> StreamingResponse:
        """The whole filtered list as CSV (`cursor` and `limit` are ignored)."""
        unit = readable(unit_code, who)

        def lines() -> Iterator[str]:
            with UnitOfWork(service.engine, read_only=True) as uow:
                yield from dossiers_csv(views.every(uow.session, unit.path, filters(q)))

        name = f"dossiers-{unit.code}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers=headers)

    def figures(unit: AdminUnit, q: PeriodQuery) -> list[tuple[AdminUnit, Figures]]:
        start, end = period(q)
        with UnitOfWork(service.engine, read_only=True) as uow:
            tallies = views.tallies(uow.session, unit.path, q.kind.value, start, end)
        communes = service.units.communes_under(unit.code)
        per_commune = [(c, Figures.of(tallies.get(c.code, Tally()))) for c in communes]
        return [(unit, Figures.of(total(tallies))), *per_commune]

    @router.get("/units/{unit_code}/statistics", operation_id="unit_statistics")
    def unit_statistics(
        unit_code: UnitCode, q: Annotated[PeriodQuery, Query()], who: Who
    ) -> StatisticsView:
        """Figures for a commune, or a district/province rolled up from its communes."""
        unit = readable(unit_code, who)
        (_, overall), *communes = figures(unit, q)
        return StatisticsView(
            unit=_unit(unit),
            kind=q.kind.value,
            period_from=q.period_from,
            period_to=q.period_to,
            figures=FiguresView.of(overall),
            communes=[
                CommuneFigures(unit=_unit(c), figures=FiguresView.of(f)) for c, f in communes
            ],
        )

    @router.get(
        "/units/{unit_code}/statistics.csv",
        operation_id="export_statistics_csv",
        response_class=PlainTextResponse,
        responses=CSV,
    )
    def export_statistics_csv(
        unit_code: UnitCode, q: Annotated[PeriodQuery, Query()], who: Who
    ) -> PlainTextResponse:
        """The same figures as CSV: the unit's total first, then one line per commune."""
        unit = readable(unit_code, who)
        body = statistics_csv(q.kind.value, q.period_from, q.period_to, figures(unit, q))
        name = f"statistics-{unit.code}-{q.period_from}-{q.period_to}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return PlainTextResponse(body, media_type="text/csv; charset=utf-8", headers=headers)

    return router


def _unit(unit: AdminUnit) -> UnitBody:
    return UnitBody(code=unit.code, name=unit.name, type=unit.type, path=unit.path)
