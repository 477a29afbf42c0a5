"""Value types of the payments domain and the rules they carry.

Amounts are integer VND (the đồng has no minor unit in use); dates are ISO dates counted in
Vietnam time. Holder, payer and payee ids are the pseudonymous ids issued by the identity service
(residents, households), or this service's own ids (merchants, accounts) — never a name, a phone
number or an account number.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

#: Vietnam has kept UTC+7 without daylight saving since 1975: dates are counted in this zone.
VIETNAM = timezone(timedelta(hours=7), "ICT")
#: A sanity bound, not a banking limit: 10^12 VND is about 40 million USD.
MAX_AMOUNT_VND = 10**12

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RESIDENT_ID = rf"^resident-{_UUID}$"
HOUSEHOLD_ID = rf"^household-{_UUID}$"
MERCHANT_ID = rf"^merchant-{_UUID}$"
ACCOUNT_ID = rf"^account-{_UUID}$"
PAYMENT_ID = rf"^payment-{_UUID}$"
FEE_ID = rf"^fee-{_UUID}$"
DOSSIER_ID = rf"^dossier-{_UUID}$"


class HolderKind(StrEnum):
    RESIDENT = "resident"
    HOUSEHOLD = "household"
    MERCHANT = "merchant"


class ProviderType(StrEnum):
    """Bank account, e-wallet (ví điện tử: MoMo, ZaloPay, …) or mobile money (Viettel Money, …)."""

    BANK = "bank"
    E_WALLET = "e_wallet"
    MOBILE_MONEY = "mobile_money"


class MerchantKind(StrEnum):
    SHOP = "shop"
    MARKET_STALL = "market_stall"
    SERVICE = "service"
    OTHER = "other"


class Purpose(StrEnum):
    ELECTRICITY = "electricity"
    WATER = "water"
    SCHOOL_FEE = "school_fee"
    MARKET_PURCHASE = "market_purchase"
    PUBLIC_SERVICE_FEE = "public_service_fee"
    WELFARE_RECEIVED = "welfare_received"
    PENSION_RECEIVED = "pension_received"


#: The bills whose cashless payment counts for "households paying bills cashless".
BILLS = frozenset({Purpose.ELECTRICITY, Purpose.WATER, Purpose.SCHOOL_FEE})


class PaymentChannel(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    QR = "qr"
    CARD = "card"
    E_WALLET = "e_wallet"


class PartyKind(StrEnum):
    """Who pays or is paid. `public_body` is a commune / school / utility (id: a unit or
    organisation code); `external` is someone the platform has no pseudonymous id for."""

    RESIDENT = "resident"
    HOUSEHOLD = "household"
    MERCHANT = "merchant"
    PUBLIC_BODY = "public_body"
    EXTERNAL = "external"


_PARTY_ID = {
    PartyKind.RESIDENT: re.compile(RESIDENT_ID),
    PartyKind.HOUSEHOLD: re.compile(HOUSEHOLD_ID),
    PartyKind.MERCHANT: re.compile(MERCHANT_ID),
    PartyKind.PUBLIC_BODY: re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$"),
}


def party_id_problem(kind: PartyKind, party_id: str | None) -> str | None:
    """Why `party_id` cannot stand for a party of `kind`, or None when it can."""
    if kind is PartyKind.EXTERNAL:
        return None if party_id is None else "must be empty for an external party"
    if party_id is None:
        return f"is required for a {kind.value}"
    if not _PARTY_ID[kind].fullmatch(party_id):
        return f"is not a {kind.value} id"
    return None


def local_date(moment: datetime) -> date:
    """The calendar date in Vietnam of a moment."""
    return moment.astimezone(VIETNAM).date()


def _plausible_date(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("must be between the years 2000 and 2099")
    return value


def _plausible_moment(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a time zone (e.g. 2026-03-01T08:30:00+07:00)")
    if not 2000 <= value.year <= 2099:
        raise ValueError("must be between the years 2000 and 2099")
    return value


def mask_account_number(number: str) -> str:
    """`******6789`: the last four digits, the rest hidden — what leaves the service."""
    tail = number[-4:]
    return "*" * max(len(number) - 4, 2) + tail


Day = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[datetime, AfterValidator(_plausible_moment)]
AmountVnd = Annotated[int, Field(ge=1, le=MAX_AMOUNT_VND)]
CommuneCode = Annotated[str, Field(pattern=r"^[0-9]{5}$")]
VillageCode = Annotated[str, Field(pattern=r"^[0-9]{7}$")]
ResidentId = Annotated[str, Field(pattern=RESIDENT_ID)]
HouseholdId = Annotated[str, Field(pattern=HOUSEHOLD_ID)]
MerchantId = Annotated[str, Field(pattern=MERCHANT_ID)]
AccountId = Annotated[str, Field(pattern=ACCOUNT_ID)]
PaymentId = Annotated[str, Field(pattern=PAYMENT_ID)]
FeeId = Annotated[str, Field(pattern=FEE_ID)]
DossierId = Annotated[str, Field(pattern=DOSSIER_ID)]
HolderId = Annotated[str, Field(pattern=rf"{RESIDENT_ID}|{HOUSEHOLD_ID}|{MERCHANT_ID}")]
PartyId = Annotated[
    str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
#: A provider's short code or name: a bank's (VCB, BIDV, 970415) or a wallet's (MoMo).
Provider = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$")]
#: A bank account or card number, an e-wallet or mobile-money account id (digits only).
AccountNumber = Annotated[str, Field(pattern=r"^[0-9]{6,19}$")]
MaskedNumber = Annotated[str, Field(pattern=r"^\*{2,}[0-9]{4}$")]
#: A provider's own id of a transaction or notification (row identity of a statement).
ProviderRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")]
DossierNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$")]
