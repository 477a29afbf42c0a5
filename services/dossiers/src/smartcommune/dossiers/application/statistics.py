"""Dossier statistics per unit and period, from additive tallies.

Each commune's figures are first reduced to a `Tally` of counts and sums; a district's or a
province's tally is the sum of its communes' — never an average of their shares, which would
weigh a commune with 3 dossiers like one with 3,000. Shares and means are computed last.

Which date counts a dossier into the period, figure by figure:

| figures | counted over the dossiers … in the period |
|---|---|
| `submitted`, `by_status`, `share_full_process` | submitted |
| `resolved`, `share_resolved_online`, `share_on_time`, `mean_processing_days` | resolved |
| `share_satisfied` | rated |

`by_status` is the dossiers' status now. "Online" is the full-process or partial online channel;
"on time" is resolved no later than the due date in force (moved by extensions and, when the
pause setting was on, by the days a supplement was awaited); processing days = resolved date −
received date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SHARE_PLACES = Decimal("0.0001")
DAYS_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Tally:
    submitted: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    full_process: int = 0
    resolved: int = 0
    resolved_online: int = 0
    on_time: int = 0
    processing_days: int = 0
    rated: int = 0
    satisfied: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.submitted + other.submitted,
            self.by_status + other.by_status,
            self.full_process + other.full_process,
            self.resolved + other.resolved,
            self.resolved_online + other.resolved_online,
            self.on_time + other.on_time,
            self.processing_days + other.processing_days,
            self.rated + other.rated,
            self.satisfied + other.satisfied,
        )


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        """Rounded half up to 4 places; None when there is nothing to divide by."""
        if self.denominator == 0:
            return None
        exact = Decimal(self.numerator) / Decimal(self.denominator)
        return exact.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    submitted: int
    by_status: dict[str, int]
    resolved: int
    share_resolved_online: Share
    share_full_process: Share
    share_on_time: Share
    mean_processing_days: Decimal | None
    share_satisfied: Share

    @classmethod
    def of(cls, tally: Tally) -> Figures:
        mean = None
        if tally.resolved:
            mean = (Decimal(tally.processing_days) / tally.resolved).quantize(
                DAYS_PLACES, rounding=ROUND_HALF_UP
            )
        return cls(
            submitted=tally.submitted,
            by_status=dict(sorted(tally.by_status.items())),
            resolved=tally.resolved,
            share_resolved_online=Share(tally.resolved_online, tally.resolved),
            share_full_process=Share(tally.full_process, tally.submitted),
            share_on_time=Share(tally.on_time, tally.resolved),
            mean_processing_days=mean,
            share_satisfied=Share(tally.satisfied, tally.rated),
        )


def total(tallies: dict[str, Tally]) -> Tally:
    result = Tally()
    for tally in tallies.values():
        result = result + tally
    return result
