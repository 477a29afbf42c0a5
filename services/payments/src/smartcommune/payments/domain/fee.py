"""FeeRequest: a dossier's fee, due to the commune's collecting account, payable by VietQR.

The request is decided from a `dossier.submitted` event with a fee: its stream id and its bill
number are derived from the dossier, so the same submission delivered twice asks once, and a
payment naming the bill number finds its fee. The QR is dynamic (01 = 12): one payment of the
exact amount, to the collecting account, with the bill number in 62.01.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from smartcommune.kit.events import EventPayload

from .aggregate import Aggregate
from .errors import InconsistentCommand, InvalidState
from .events import FeePaymentPaid, FeePaymentRequested
from .values import PaymentChannel, mask_account_number
from .vietqr import Initiation, VietQR, ascii_text

#: Fixed forever: fee ids derived from it must be the same in every deployment and replay.
FEE_NAMESPACE = uuid.UUID("a3f0c5d2-9b1e-4c47-8e2a-5d6b7c8e9f01")
FEE_PURPOSE = "LE PHI HO SO"


@dataclass(frozen=True)
class CollectingAccount:
    """The commune's account that dossier fees are paid into (from the settings)."""

    bank_bin: str
    account: str
    name: str | None = None


def fee_id_for(dossier_id: str) -> str:
    return f"fee-{uuid.uuid5(FEE_NAMESPACE, dossier_id)}"


def bill_number_for(dossier_number: str) -> str:
    """At most 25 letters and digits (EMVCo 62.01): the end of the dossier number, which people
    recognise, and 8 hex digits of its SHA-256, so that numbers differing only in punctuation
    or in their beginning never share a bill number."""
    plain = re.sub(r"[^A-Za-z0-9]", "", dossier_number).upper()
    digest = hashlib.sha256(dossier_number.encode("utf-8")).hexdigest()[:8].upper()
    return f"{plain[-17:]}{digest}"


def fee_qr(collecting: CollectingAccount, amount_vnd: int, bill_number: str) -> VietQR:
    return VietQR(
        bank_bin=collecting.bank_bin,
        account=collecting.account,
        initiation=Initiation.DYNAMIC,
        amount_vnd=amount_vnd,
        bill_number=bill_number,
        purpose=FEE_PURPOSE,
        merchant_name=ascii_text(collecting.name) or None if collecting.name else None,
    )


@dataclass
class FeeRequest(Aggregate):
    facts: FeePaymentRequested | None = None
    paid: FeePaymentPaid | None = None

    @classmethod
    def request(
        cls,
        dossier_id: str,
        dossier_number: str,
        commune_code: str,
        unit_path: str,
        amount_vnd: int,
        collecting: CollectingAccount,
        at: datetime,
        requested_on: date,
    ) -> FeeRequest:
        bill = bill_number_for(dossier_number)
        facts = FeePaymentRequested(
            dossier_id=dossier_id,
            dossier_number=dossier_number,
            amount_vnd=amount_vnd,
            bill_number=bill,
            vietqr_payload=fee_qr(collecting, amount_vnd, bill).payload(),
            requested_on=requested_on,
            masked_collecting_account=mask_account_number(collecting.account),
        )
        fee = cls(fee_id_for(dossier_id), commune_code, unit_path)
        fee._record(facts, at)
        return fee

    @property
    def requested(self) -> FeePaymentRequested:
        assert self.facts is not None, "a fee starts with fee_payment.requested"
        return self.facts

    def pay(
        self, payment_id: str, channel: PaymentChannel, amount_vnd: int, paid_on: date,
        at: datetime,
    ) -> None:  # fmt: skip
        if self.paid is not None:
            raise InvalidState(f"fee {self.id} was paid on {self.paid.paid_on.isoformat()}")
        if amount_vnd != self.requested.amount_vnd:
            message = f"must be the fee, {self.requested.amount_vnd} VND, not {amount_vnd}"
            raise InconsistentCommand("amount_vnd", message)
        if paid_on < self.requested.requested_on:
            requested = self.requested.requested_on.isoformat()
            raise InconsistentCommand("paid_on", f"must not be before the request ({requested})")
        paid = FeePaymentPaid(
            payment_id=payment_id, channel=channel, amount_vnd=amount_vnd, paid_on=paid_on
        )
        self._record(paid, at)

    def _apply(self, payload: EventPayload) -> None:
        if isinstance(payload, FeePaymentRequested):
            self.facts = payload
        elif isinstance(payload, FeePaymentPaid):
            self.paid = payload
        else:
            raise ValueError(f"a fee request has no {payload.event_type}")
