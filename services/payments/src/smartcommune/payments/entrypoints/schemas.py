"""Response bodies of the REST API (request bodies are the application's commands)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this service is answered."""

    type: str
    title: str
    title_vi: str | None = None
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = Field(None, description="[{field, message}] for 4xx")


class AccountView(BaseModel):
    account_id: str
    holder_kind: str
    holder_id: str
    village_code: str
    commune_code: str
    provider_type: str
    provider: str
    masked_number: str = Field(description="never the full number")
    opened_on: date
    closed_on: date | None
    version: int


class MerchantView(BaseModel):
    merchant_id: str
    village_code: str
    commune_code: str
    kind: str
    accepts_qr: bool
    registered_on: date
    changed_on: date
    version: int


class PaymentView(BaseModel):
    payment_id: str
    provider: str
    provider_transaction_id: str
    purpose: str
    channel: str
    amount_vnd: int
    payer_kind: str
    payer_id: str | None
    payee_kind: str
    payee_id: str | None
    household_id: str | None
    village_code: str | None
    commune_code: str
    paid_on: date
    fee_id: str | None


class FeeView(BaseModel):
    fee_id: str
    dossier_id: str
    dossier_number: str
    commune_code: str
    amount_vnd: int
    bill_number: str
    vietqr_payload: str
    requested_on: date
    status: str = Field(description="requested | paid")
    paid: bool
    payment_id: str | None
    paid_on: date | None
    channel: str | None


class RecordedView(BaseModel):
    payment: PaymentView
    fee: FeeView | None


class AccountPage(BaseModel):
    items: list[AccountView]
    total: int


class MerchantPage(BaseModel):
    items: list[MerchantView]
    total: int


class PaymentPage(BaseModel):
    items: list[PaymentView]
    total: int


class QrFields(BaseModel):
    bank_bin: str
    account: str
    service: str
    dynamic: bool
    amount_vnd: int | None
    bill_number: str | None
    reference: str | None
    purpose: str | None
    merchant_name: str | None
    merchant_city: str | None
    crc: str


class QrView(BaseModel):
    payload: str
    fields: QrFields


class ImportReportView(BaseModel):
    accepted: int
    duplicates: int
    fees_paid: int
    rejected: list[dict[str, str | int]]


class WebhookAnswer(BaseModel):
    status: str = Field(description="recorded | duplicate")
    payment_id: str
    fee_id: str | None
    fee_status: str | None


class ShareView(BaseModel):
    numerator: int
    denominator: int
    value: Decimal | None = Field(description="numerator / denominator, 4 places; null if 0/0")
    per_mille: int | None


class UnitRef(BaseModel):
    code: str
    name: str
    type: str
    path: str


class AdoptionFigures(BaseModel):
    working_age_with_account: ShareView
    households_paying_bills_cashless: ShareView
    merchants_accepting_qr: ShareView


class UnitAdoption(BaseModel):
    unit: UnitRef
    figures: AdoptionFigures


class AdoptionView(BaseModel):
    unit: UnitRef
    as_of: date
    figures: AdoptionFigures = Field(description="the unit's total: the sum over its villages")
    villages: list[UnitAdoption]
