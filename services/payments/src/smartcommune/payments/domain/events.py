"""The payments service's events (`payments.events.v1`), all version 1, on one `PayloadRegistry`.

Field names follow the platform's cross-service contract (the scoring service counts adoption
from them). No event carries a full account number — only `masked_number` (`******6789`) — nor a
name or a phone number: holders, payers and payees are pseudonymous ids. Envelopes carry the
village's path when the fact belongs to a village, else the commune's. Amounts are integer VND.
"""

from __future__ import annotations

from datetime import date

from smartcommune.kit.events import EventPayload, PayloadRegistry

from .values import (
    AmountVnd,
    DossierId,
    DossierNumber,
    HolderId,
    HolderKind,
    HouseholdId,
    MaskedNumber,
    MerchantKind,
    PartyId,
    PartyKind,
    PaymentChannel,
    PaymentId,
    Provider,
    ProviderRef,
    ProviderType,
    Purpose,
    VillageCode,
)

registry = PayloadRegistry("payments")


@registry.register
class PaymentAccountOpened(EventPayload):
    """A resident, household or merchant holds a payment account (stream = the account id)."""

    event_type = "payment_account.opened"
    event_version = 1
    holder_kind: HolderKind
    holder_id: HolderId
    village_code: VillageCode
    provider_type: ProviderType
    provider: Provider
    masked_number: MaskedNumber
    opened_on: date


@registry.register
class PaymentAccountClosed(EventPayload):
    event_type = "payment_account.closed"
    event_version = 1
    closed_on: date


@registry.register
class MerchantRegistered(EventPayload):
    """A shop, market stall or service provider of a village (stream = the merchant id)."""

    event_type = "merchant.registered"
    event_version = 1
    village_code: VillageCode
    kind: MerchantKind
    accepts_qr: bool
    registered_on: date


@registry.register
class MerchantQrAcceptanceChanged(EventPayload):
    event_type = "merchant.qr_acceptance_changed"
    event_version = 1
    accepts_qr: bool
    changed_on: date


@registry.register
class CashlessPaymentRecorded(EventPayload):
    """One cashless payment (stream = the payment id, derived from the provider's transaction
    id, so the same transaction reported twice is one stream). `provider` and
    `provider_transaction_id` are the row identity of a provider's statement."""

    event_type = "cashless_payment.recorded"
    event_version = 1
    purpose: Purpose
    channel: PaymentChannel
    amount_vnd: AmountVnd
    payer_kind: PartyKind
    payer_id: PartyId | None
    payee_kind: PartyKind
    payee_id: PartyId | None
    household_id: HouseholdId | None
    village_code: VillageCode | None
    paid_on: date
    provider: Provider
    provider_transaction_id: ProviderRef
    fee_id: str | None


@registry.register
class FeePaymentRequested(EventPayload):
    """A dossier's fee is due: the VietQR payload to pay it (stream = the fee request id)."""

    event_type = "fee_payment.requested"
    event_version = 1
    dossier_id: DossierId
    dossier_number: DossierNumber
    amount_vnd: AmountVnd
    bill_number: str
    vietqr_payload: str
    requested_on: date
    masked_collecting_account: MaskedNumber


@registry.register
class FeePaymentPaid(EventPayload):
    event_type = "fee_payment.paid"
    event_version = 1
    payment_id: PaymentId
    channel: PaymentChannel
    amount_vnd: AmountVnd
    paid_on: date
