"""The VNeID age rules (Decree 69/2024), as a table so a change in the law is a change of data.

Age 14 and over: level 1 or 2. Age 6 to 13: level 1 or 2, but only at the request of the parent
or guardian. Under 6: level 1 only (through the parent's or guardian's account). Going back to
`none` (a locked or cancelled account) is always allowed. Ages are whole years on the day of the
change, computed from the date of birth, which the service reads from the vault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import InvalidCommand
from .values import VneidLevel


@dataclass(frozen=True)
class AgeBand:
    min_age: int  # inclusive
    levels: frozenset[VneidLevel]
    needs_guardian_request: bool
    label: str


#: Oldest band first; the first band whose `min_age` the person has reached applies.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand(14, frozenset({VneidLevel.LEVEL_1, VneidLevel.LEVEL_2}), False, "aged 14 or over"),
    AgeBand(6, frozenset({VneidLevel.LEVEL_1, VneidLevel.LEVEL_2}), True, "aged 6 to 13"),
    AgeBand(0, frozenset({VneidLevel.LEVEL_1}), False, "under 6"),
)


def age_on(born: date, day: date) -> int:
    """Whole years; someone born on 29 February has a birthday on 1 March in other years."""
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - before_birthday


def check_level(
    level: VneidLevel, born: date, on: date, *, on_request_of_guardian: bool = False
) -> None:
    """Raise `InvalidCommand` on field `level` (or `changed_on`) unless the rules allow it."""
    if on < born:
        raise InvalidCommand("changed_on", "must not be before the resident's date of birth")
    if level is VneidLevel.NONE:
        return
    age = age_on(born, on)
    band = next(band for band in AGE_BANDS if age >= band.min_age)
    if level not in band.levels:
        allowed = " or ".join(sorted(band.levels))
        raise InvalidCommand(
            "level", f"a resident {band.label} (age {age}) may hold {allowed} only, not {level}"
        )
    if band.needs_guardian_request and not on_request_of_guardian:
        raise InvalidCommand(
            "level",
            f"a resident {band.label} (age {age}) gets {level} only at the request of a parent"
            " or guardian: set on_request_of_guardian",
        )
