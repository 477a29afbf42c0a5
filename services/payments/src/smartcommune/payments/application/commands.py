"""Commands: what a caller asks for, validated field by field before any handler runs.

They double as the REST request bodies, so OpenAPI shows exactly what a handler accepts.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from ..domain.values import (
    AmountVnd,
    CommuneCode,
    Day,
    HolderId,
    HolderKind,
    HouseholdId,
    MerchantKind,
    PartyId,
    PartyKind,
    PaymentChannel,
    Provider,
    ProviderRef,
    ProviderType,
    Purpose,
    VillageCode,
)
from ..domain.vietqr import Service


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OpenAccount(Command):
    holder_kind: HolderKind
    holder_id: HolderId = Field(
        description="pseudonymous resident / household id, or a merchant id"
    )
    village_code: VillageCode
    provider_type: ProviderType
    provider: Provider = Field(description="short code or name, e.g. VCB, MoMo, Viettel Money")
    #: SecretStr: never echoed in a validation error, a log line or a repr.
    account_number: Annotated[SecretStr, Field(min_length=6, max_length=19)] = Field(
        description="the full number: kept encrypted in this service, masked everywhere else"
    )
    opened_on: Day

    @field_validator("account_number")
    @classmethod
    def _digits(cls, value: SecretStr) -> SecretStr:
        if not re.fullmatch(r"[0-9]{6,19}", value.get_secret_value()):
            raise ValueError("must be 6 to 19 digits")
        return value


class CloseAccount(Command):
    closed_on: Day


class RegisterMerchant(Command):
    village_code: VillageCode
    kind: MerchantKind
    accepts_qr: bool
    registered_on: Day


class ChangeQrAcceptance(Command):
    accepts_qr: bool
    changed_on: Day


class RecordPayment(Command):
    """A cashless payment as a provider reported it. With `bill_number`, it pays the dossier fee
    of that bill (to the commune's collecting account)."""

    provider: Provider
    transaction_id: ProviderRef = Field(description="the provider's id of the transaction")
    purpose: Purpose
    channel: PaymentChannel
    amount_vnd: AmountVnd
    payer_kind: PartyKind
    payer_id: PartyId | None = None
    payee_kind: PartyKind
    payee_id: PartyId | None = None
    household_id: HouseholdId | None = None
    village_code: VillageCode | None = Field(None, description="where the payer lives, if known")
    commune_code: CommuneCode | None = Field(None, description="needed when no village is given")
    paid_on: Day
    bill_number: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,25}$")] | None = None


AccountDigits = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,19}$")]
Ans25 = Annotated[str, Field(min_length=1, max_length=25)]


class BuildQr(Command):
    bank_bin: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    account: AccountDigits
    service: Service = Service.TO_ACCOUNT
    dynamic: bool = Field(False, description="one payment of `amount_vnd` (01 = 12)")
    amount_vnd: Annotated[int, Field(ge=1, le=10**13 - 1)] | None = None
    bill_number: Ans25 | None = None
    reference: Ans25 | None = None
    purpose: Ans25 | None = None
    merchant_name: Ans25 | None = None
    merchant_city: Annotated[str, Field(min_length=1, max_length=15)] | None = None


class ParseQr(Command):
    payload: Annotated[str, Field(min_length=1, max_length=512)]
