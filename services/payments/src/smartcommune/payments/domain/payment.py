"""CashlessPayment: one payment as a provider reported it (bank transfer, QR, card, e-wallet).

Its id is derived from (provider, provider transaction id) — the row identity of a statement —
so a transaction arriving by webhook, by REST and in a CSV statement is recorded once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from smartcommune.kit.events import EventPayload

from .aggregate import Aggregate
from .errors import InconsistentCommand
from .events import CashlessPaymentRecorded
from .values import PartyKind, party_id_problem

#: Fixed forever: payment ids derived from it must be the same in every deployment and replay.
PAYMENT_NAMESPACE = uuid.UUID("0c6a3e1b-52d4-4f8e-9a17-2b9e4d3c7f60")


def payment_id_for(provider: str, transaction_id: str) -> str:
    return f"payment-{uuid.uuid5(PAYMENT_NAMESPACE, f'{provider.upper()}/{transaction_id}')}"


def check_parties(facts: CashlessPaymentRecorded) -> None:
    for role, kind, party in (
        ("payer", facts.payer_kind, facts.payer_id),
        ("payee", facts.payee_kind, facts.payee_id),
    ):
        if (problem := party_id_problem(kind, party)) is not None:
            raise InconsistentCommand(f"{role}_id", problem)
    if facts.payer_kind is PartyKind.HOUSEHOLD and facts.household_id not in (None, facts.payer_id):
        raise InconsistentCommand("household_id", "must be the paying household")


@dataclass
class CashlessPayment(Aggregate):
    facts: CashlessPaymentRecorded | None = None

    @classmethod
    def record(
        cls, commune_code: str, unit_path: str, facts: CashlessPaymentRecorded, at: datetime
    ) -> CashlessPayment:
        check_parties(facts)
        payment_id = payment_id_for(facts.provider, facts.provider_transaction_id)
        payment = cls(payment_id, commune_code, unit_path)
        payment._record(facts, at)
        return payment

    def _apply(self, payload: EventPayload) -> None:
        if not isinstance(payload, CashlessPaymentRecorded):
            raise ValueError(f"a payment has no {payload.event_type}")
        self.facts = payload
