"""PaymentAccount: a resident's, household's or merchant's account with a bank, an e-wallet or a
mobile-money provider. Only its masked number is part of the aggregate (and of its events); the
full number stays in the service's encrypted vault table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from smartcommune.kit.events import EventPayload

from .aggregate import Aggregate
from .errors import InconsistentCommand, InvalidState
from .events import PaymentAccountClosed, PaymentAccountOpened


@dataclass
class PaymentAccount(Aggregate):
    facts: PaymentAccountOpened | None = None
    closed_on: date | None = None

    @classmethod
    def open(
        cls, account_id: str, commune_code: str, unit_path: str, facts: PaymentAccountOpened,
        at: datetime,
    ) -> PaymentAccount:  # fmt: skip
        account = cls(account_id, commune_code, unit_path)
        account._record(facts, at)
        return account

    @property
    def opened(self) -> PaymentAccountOpened:
        assert self.facts is not None, "an account starts with payment_account.opened"
        return self.facts

    def close(self, closed_on: date, at: datetime) -> None:
        if self.closed_on is not None:
            raise InvalidState(f"account {self.id} was closed on {self.closed_on.isoformat()}")
        if closed_on < self.opened.opened_on:
            opened = self.opened.opened_on.isoformat()
            raise InconsistentCommand("closed_on", f"must not be before the opening ({opened})")
        self._record(PaymentAccountClosed(closed_on=closed_on), at)

    def _apply(self, payload: EventPayload) -> None:
        if isinstance(payload, PaymentAccountOpened):
            self.facts = payload
        elif isinstance(payload, PaymentAccountClosed):
            self.closed_on = payload.closed_on
        else:
            raise ValueError(f"an account has no {payload.event_type}")
