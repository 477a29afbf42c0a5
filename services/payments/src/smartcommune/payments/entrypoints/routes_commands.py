"""Command endpoints: accounts, merchants and payments recorded by officials."""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from smartcommune.kit.auth import Principal

from ..application import commands as c
from ..application.handlers import Recorded
from ..bootstrap import Service
from .rules import ONBOARD, WRITE, caller_for
from .schemas import AccountView, MerchantView, RecordedView
from .views import of_account, of_fee, of_merchant, of_payment

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
AccountId = Annotated[str, Path(pattern=rf"^account-{_UUID}$")]
MerchantId = Annotated[str, Path(pattern=rf"^merchant-{_UUID}$")]


def command_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["commands"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one
    bus = service.bus

    @router.post("/accounts", status_code=201, operation_id="open_account")
    def open_account(command: c.OpenAccount, who: Who, response: Response) -> AccountView:
        """Record a payment account; the number is kept encrypted here and masked elsewhere."""
        view = of_account(bus.handle(command, caller_for(who, ONBOARD)))
        response.headers["Location"] = f"/accounts/{view.account_id}"
        return view

    @router.post("/accounts/{account_id}/close", operation_id="close_account")
    def close_account(account_id: AccountId, command: c.CloseAccount, who: Who) -> AccountView:
        return of_account(bus.handle(command, caller_for(who, ONBOARD), account_id))

    @router.post("/merchants", status_code=201, operation_id="register_merchant")
    def register_merchant(
        command: c.RegisterMerchant, who: Who, response: Response
    ) -> MerchantView:
        """Record a shop, market stall or service of a village, and whether it accepts QR."""
        view = of_merchant(bus.handle(command, caller_for(who, ONBOARD)))
        response.headers["Location"] = f"/merchants/{view.merchant_id}"
        return view

    @router.post("/merchants/{merchant_id}/qr-acceptance", operation_id="change_qr_acceptance")
    def change_qr_acceptance(
        merchant_id: MerchantId, command: c.ChangeQrAcceptance, who: Who
    ) -> MerchantView:
        return of_merchant(bus.handle(command, caller_for(who, ONBOARD), merchant_id))

    @router.post("/payments", status_code=201, operation_id="record_payment")
    def record_payment(command: c.RecordPayment, who: Who) -> RecordedView:
        """Record a cashless payment; with `bill_number` it pays that dossier fee. The same
        (provider, transaction id) twice is a 409 `already-exists`."""
        recorded: Recorded = bus.handle(command, caller_for(who, WRITE))
        fee = of_fee(recorded.fee) if recorded.fee is not None else None
        return RecordedView(payment=of_payment(recorded.payment), fee=fee)

    return router
