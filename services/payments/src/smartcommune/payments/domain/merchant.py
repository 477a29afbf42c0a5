"""Merchant: a shop, market stall or service of a village, and whether it accepts QR payment
(the "market without cash" — chợ không dùng tiền mặt — indicator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smartcommune.kit.events import EventPayload

from .aggregate import Aggregate
from .errors import InconsistentCommand, InvalidState
from .events import MerchantQrAcceptanceChanged, MerchantRegistered


@dataclass
class Merchant(Aggregate):
    facts: MerchantRegistered | None = None
    accepts_qr: bool = False
    since: date | None = None

    @classmethod
    def register(
        cls, merchant_id: str, commune_code: str, unit_path: str, facts: MerchantRegistered,
        at: datetime,
    ) -> Merchant:  # fmt: skip
        merchant = cls(merchant_id, commune_code, unit_path)
        merchant._record(facts, at)
        return merchant

    @property
    def registered(self) -> MerchantRegistered:
        assert self.facts is not None, "a merchant starts with merchant.registered"
        return self.facts

    def change_qr_acceptance(self, accepts_qr: bool, changed_on: date, at: datetime) -> None:
        if accepts_qr == self.accepts_qr:
            state = "accepts" if accepts_qr else "does not accept"
            raise InvalidState(f"merchant {self.id} already {state} QR payment")
        if self.since is not None and changed_on < self.since:
            message = f"must not be before the last change ({self.since.isoformat()})"
            raise InconsistentCommand("changed_on", message)
        self._record(MerchantQrAcceptanceChanged(accepts_qr=accepts_qr, changed_on=changed_on), at)

    def _apply(self, payload: EventPayload) -> None:
        if isinstance(payload, MerchantRegistered):
            self.facts, self.accepts_qr, self.since = (
                payload,
                payload.accepts_qr,
                payload.registered_on,
            )
        elif isinstance(payload, MerchantQrAcceptanceChanged):
            self.accepts_qr, self.since = payload.accepts_qr, payload.changed_on
        else:
            raise ValueError(f"a merchant has no {payload.event_type}")
