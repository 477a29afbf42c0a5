"""Query endpoints: accounts, merchants and payments of a unit, a dossier's fee and its QR,
and the adoption figures."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Principal, authorize
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.units import AdminUnit

from ..adapters import qr_image
from ..adapters.tables import cashless_payments, fee_requests, merchants, payment_accounts
from ..application.adoption import AgeRange, Tally, tally
from ..application.errors import NotFound
from ..bootstrap import Service
from ..domain.values import Day, local_date
from .routes_commands import AccountId
from .rules import READ
from .schemas import (
    AccountPage,
    AccountView,
    AdoptionView,
    FeeView,
    MerchantPage,
    PaymentPage,
    UnitAdoption,
    UnitRef,
)
from .views import account_view, fee_view, figures, merchant_view, payment_view, rows_under

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
UnitCode = Annotated[str, Path(pattern=r"^[0-9]{2,7}$", description="a unit code, e.g. 08920")]
DossierId = Annotated[str, Path(pattern=rf"^dossier-{_UUID}$")]
FeeId = Annotated[str, Path(pattern=rf"^fee-{_UUID}$")]
PNG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}}}}
SVG: dict[int | str, dict[str, Any]] = {200: {"content": {"image/svg+xml": {}}}}


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


class AdoptionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: Day | None = Field(None, description="the day counted (default: today in Vietnam)")


def query_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["queries"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one
    engine = service.engine

    def readable(code: str, who: Principal) -> AdminUnit:
        unit = service.units.get(code)
        if unit is None:
            raise HTTPException(404, f"no administrative unit {code}")
        authorize(who, READ, unit.path)
        return unit

    @router.get("/accounts/{account_id}", operation_id="get_account")
    def get_account(account_id: AccountId, who: Who) -> AccountView:
        with UnitOfWork(engine, read_only=True) as uow:
            row = uow.session.execute(
                select(payment_accounts).where(payment_accounts.c.account_id == account_id)
            ).one_or_none()
        if row is None:
            raise NotFound(f"no payment account {account_id}")
        authorize(who, READ, row.unit_path)
        return account_view(dict(row._mapping))

    @router.get("/units/{unit_code}/accounts", operation_id="list_accounts")
    def list_accounts(
        unit_code: UnitCode, q: Annotated[PageQuery, Query()], who: Who
    ) -> AccountPage:
        """Payment accounts held in the unit's villages (masked numbers only)."""
        unit = readable(unit_code, who)
        with UnitOfWork(engine, read_only=True) as uow:
            rows, total = rows_under(
                uow.session,
                payment_accounts,
                unit.path,
                q.limit,
                q.offset,
                payment_accounts.c.opened_on,
                payment_accounts.c.account_id,
            )
        return AccountPage(items=[account_view(r) for r in rows], total=total)  # fmt: skip

    @router.get("/units/{unit_code}/merchants", operation_id="list_merchants")
    def list_merchants(
        unit_code: UnitCode, q: Annotated[PageQuery, Query()], who: Who
    ) -> MerchantPage:
        unit = readable(unit_code, who)
        with UnitOfWork(engine, read_only=True) as uow:
            rows, total = rows_under(
                uow.session,
                merchants,
                unit.path,
                q.limit,
                q.offset,
                merchants.c.registered_on,
                merchants.c.merchant_id,
            )
        return MerchantPage(items=[merchant_view(r) for r in rows], total=total)  # fmt: skip

    @router.get("/units/{unit_code}/payments", operation_id="list_payments")
    def list_payments(
        unit_code: UnitCode, q: Annotated[PageQuery, Query()], who: Who
    ) -> PaymentPage:
        unit = readable(unit_code, who)
        with UnitOfWork(engine, read_only=True) as uow:
            rows, total = rows_under(
                uow.session,
                cashless_payments,
                unit.path,
                q.limit,
                q.offset,
                cashless_payments.c.paid_on,
                cashless_payments.c.payment_id,
            )
        return PaymentPage(items=[payment_view(r) for r in rows], total=total)  # fmt: skip

    def fee_of(column: Any, value: str, who: Principal) -> dict[str, Any]:
        with UnitOfWork(engine, read_only=True) as uow:
            row = uow.session.execute(select(fee_requests).where(column == value)).one_or_none()
        if row is None:
            raise NotFound(f"no fee is requested for {value}")
        authorize(who, READ, row.unit_path)
        return dict(row._mapping)

    @router.get("/dossiers/{dossier_id}/fee", operation_id="get_dossier_fee")
    def get_dossier_fee(dossier_id: DossierId, who: Who) -> FeeView:
        """The fee of a dossier: its VietQR payload, and whether it is paid."""
        return fee_view(fee_of(fee_requests.c.dossier_id, dossier_id, who))

    @router.get("/fees/{fee_id}/qr.png", operation_id="fee_qr_png", response_class=Response,
                responses=PNG)  # fmt: skip
    def fee_qr_png(fee_id: FeeId, who: Who) -> Response:
        payload = fee_of(fee_requests.c.fee_id, fee_id, who)["vietqr_payload"]
        return Response(qr_image.png(payload), media_type="image/png")

    @router.get("/fees/{fee_id}/qr.svg", operation_id="fee_qr_svg", response_class=Response,
                responses=SVG)  # fmt: skip
    def fee_qr_svg(fee_id: FeeId, who: Who) -> Response:
        payload = fee_of(fee_requests.c.fee_id, fee_id, who)["vietqr_payload"]
        return Response(qr_image.svg(payload), media_type="image/svg+xml")

    @router.get("/units/{unit_code}/adoption", operation_id="unit_adoption")
    def unit_adoption(
        unit_code: UnitCode, q: Annotated[AdoptionQuery, Query()], who: Who
    ) -> AdoptionView:
        """Working-age residents with an e-payment account, households paying bills cashless
        and merchants accepting QR: per village, and the unit's total over its villages."""
        unit = readable(unit_code, who)
        as_of: date = q.as_of or local_date(service.deps.clock())
        villages = service.units.villages_under(unit.code)
        settings = service.settings
        ages = AgeRange(settings.working_age_min, settings.working_age_max)
        with UnitOfWork(engine, read_only=True) as uow:
            counts = tally(uow.session, [v.code for v in villages], as_of, ages,
                           settings.bill_window_days)  # fmt: skip
        total = Tally()
        for village_tally in counts.by_village.values():
            total.add(village_tally)
        return AdoptionView(
            unit=_ref(unit), as_of=as_of, figures=figures(total),
            villages=[UnitAdoption(unit=_ref(v), figures=figures(counts.village(v.code)))
                      for v in villages],
        )  # fmt: skip

    return router


def _ref(unit: AdminUnit) -> UnitRef:
    return UnitRef(code=unit.code, name=unit.name, type=unit.type, path=unit.path)
