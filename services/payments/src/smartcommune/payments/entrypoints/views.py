"""Turning read-model rows and aggregates into response bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from ..adapters.projection import account_row, fee_row, merchant_row, payment_row
from ..application.adoption import Share, Tally
from ..domain.account import PaymentAccount
from ..domain.fee import FeeRequest
from ..domain.merchant import Merchant
from ..domain.payment import CashlessPayment
from ..domain.vietqr import VietQR
from .schemas import (
    AccountView,
    AdoptionFigures,
    FeeView,
    MerchantView,
    PaymentView,
    QrFields,
    QrView,
    ShareView,
)


def account_view(row: dict[str, Any]) -> AccountView:
    return AccountView.model_validate(row)


def merchant_view(row: dict[str, Any]) -> MerchantView:
    return MerchantView.model_validate(row)


def payment_view(row: dict[str, Any]) -> PaymentView:
    return PaymentView.model_validate(row)


def fee_view(row: dict[str, Any]) -> FeeView:
    return FeeView.model_validate({**row, "paid": row["status"] == "paid"})


def of_account(a: PaymentAccount) -> AccountView:
    return account_view(account_row(a))


def of_merchant(m: Merchant) -> MerchantView:
    return merchant_view(merchant_row(m))


def of_payment(p: CashlessPayment) -> PaymentView:
    return payment_view(payment_row(p))


def of_fee(f: FeeRequest) -> FeeView:
    return fee_view(fee_row(f))


def qr_view(qr: VietQR) -> QrView:
    payload = qr.payload()
    return QrView(
        payload=payload,
        fields=QrFields(
            bank_bin=qr.bank_bin, account=qr.account, service=qr.service.value,
            dynamic=qr.initiation.value == "12", amount_vnd=qr.amount_vnd,
            bill_number=qr.bill_number, reference=qr.reference, purpose=qr.purpose,
            merchant_name=qr.merchant_name, merchant_city=qr.merchant_city, crc=payload[-4:],
        ),
    )  # fmt: skip


def share_view(share: Share) -> ShareView:
    return ShareView(
        numerator=share.numerator, denominator=share.denominator, value=share.value,
        per_mille=share.per_mille,
    )  # fmt: skip


def figures(t: Tally) -> AdoptionFigures:
    shares = t.shares()
    return AdoptionFigures(**{name: share_view(share) for name, share in shares.items()})


def rows_under(
    session: Session, table: Table, unit_path: str, limit: int, offset: int, *order: Any
) -> tuple[list[dict[str, Any]], int]:
    """Rows of `table` whose unit lies in the subtree of `unit_path`, and how many there are."""
    within = (table.c.unit_path == unit_path) | table.c.unit_path.startswith(
        unit_path + "/", autoescape=True
    )
    total = session.scalar(select(func.count()).select_from(table).where(within)) or 0
    query = select(table).where(within).order_by(*order).limit(limit).offset(offset)
    return [dict(r._mapping) for r in session.execute(query)], total
