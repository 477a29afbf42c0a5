"""Adoption of cashless payment per village, summed into communes, districts and provinces.

Three indicators the smart-village criteria use (DOMAIN.md, Payments), counted as of a date:

- working-age residents with an e-payment account: residents of working age (the age reached
  in the year within the settings' range, not erased) holding an account of their own open
  that day, over the residents of working age;
- households paying bills cashless: households with an electricity, water or school-fee
  payment in the window ending that day, over the households of the village;
- merchants accepting QR: merchants registered by that day that accept QR now, over the
  merchants registered by that day.

Counts, never shares, are summed upwards; shares are computed last, so a commune's share is
its villages' counts summed, not an average of their shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..adapters.tables import cashless_payments, households, merchants, payment_accounts, residents
from ..domain.values import BILLS


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        ratio = Decimal(self.numerator) / Decimal(self.denominator)
        return ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)

    @property
    def per_mille(self) -> int | None:
        return None if self.denominator == 0 else self.numerator * 1000 // self.denominator


@dataclass
class Tally:
    working_age: int = 0
    working_age_with_account: int = 0
    households: int = 0
    households_paying_bills_cashless: int = 0
    merchants: int = 0
    merchants_accepting_qr: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def shares(self) -> dict[str, Share]:
        return {
            "working_age_with_account": Share(self.working_age_with_account, self.working_age),
            "households_paying_bills_cashless": Share(
                self.households_paying_bills_cashless, self.households
            ),
            "merchants_accepting_qr": Share(self.merchants_accepting_qr, self.merchants),
        }


@dataclass(frozen=True)
class AgeRange:
    minimum: int
    maximum: int


@dataclass
class Adoption:
    by_village: dict[str, Tally] = field(default_factory=dict)

    def village(self, code: str) -> Tally:
        return self.by_village.setdefault(code, Tally())


def tally(
    session: Session, villages: list[str], as_of: date, ages: AgeRange, window_days: int
) -> Adoption:
    """The counts of each village in `villages` as of the day `as_of`."""
    result = Adoption()
    for code in villages:
        result.village(code)
    if not villages:
        return result
    youngest, oldest = as_of.year - ages.minimum, as_of.year - ages.maximum
    working = and_(
        residents.c.village_code.in_(villages),
        residents.c.erased.is_(False),
        residents.c.birth_year.between(oldest, youngest),
    )
    open_account = and_(
        payment_accounts.c.holder_kind == "resident",
        payment_accounts.c.opened_on <= as_of,
        or_(payment_accounts.c.closed_on.is_(None), payment_accounts.c.closed_on > as_of),
    )
    for village, n in session.execute(
        select(residents.c.village_code, func.count()).where(working)
        .group_by(residents.c.village_code)
    ):  # fmt: skip
        result.village(village).working_age = n
    holders = select(payment_accounts.c.holder_id).where(open_account)
    for village, n in session.execute(
        select(residents.c.village_code, func.count())
        .where(working, residents.c.resident_id.in_(holders))
        .group_by(residents.c.village_code)
    ):  # fmt: skip
        result.village(village).working_age_with_account = n
    for village, n in session.execute(
        select(households.c.village_code, func.count())
        .where(households.c.village_code.in_(villages))
        .group_by(households.c.village_code)
    ):  # fmt: skip
        result.village(village).households = n
    paying = (
        select(cashless_payments.c.household_id)
        .where(
            cashless_payments.c.purpose.in_(sorted(p.value for p in BILLS)),
            cashless_payments.c.paid_on <= as_of,
            cashless_payments.c.paid_on > as_of - timedelta(days=window_days),
            cashless_payments.c.household_id.is_not(None),
        )
    )  # fmt: skip
    for village, n in session.execute(
        select(households.c.village_code, func.count())
        .where(households.c.village_code.in_(villages), households.c.household_id.in_(paying))
        .group_by(households.c.village_code)
    ):  # fmt: skip
        result.village(village).households_paying_bills_cashless = n
    registered = and_(merchants.c.village_code.in_(villages), merchants.c.registered_on <= as_of)
    for village, accepts, n in session.execute(
        select(merchants.c.village_code, merchants.c.accepts_qr, func.count())
        .where(registered)
        .group_by(merchants.c.village_code, merchants.c.accepts_qr)
    ):  # fmt: skip
        result.village(village).merchants += n
        if accepts:
            result.village(village).merchants_accepting_qr += n
    return result
