"""The VNeID age rules of Decree 69/2024, table-driven: every band, both sides of each boundary
birthday, with and without a guardian's request."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from smartcommune.identity.domain.errors import InvalidCommand, PersonalDataGone
from smartcommune.identity.domain.events import ResidentRegistered
from smartcommune.identity.domain.resident import Resident
from smartcommune.identity.domain.values import ErasureBasis, VneidLevel, VneidSource
from smartcommune.identity.domain.vneid import age_on, check_level

L0, L1, L2 = VneidLevel.NONE, VneidLevel.LEVEL_1, VneidLevel.LEVEL_2
ON = date(2026, 3, 1)
AT = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)


def born_aged(years: int) -> date:
    """A date of birth making the person `years` old on ON, their birthday that very day."""
    return ON.replace(year=ON.year - years)


# (age, level, on guardian's request, allowed)
CASES = [
    (40, L2, False, True), (40, L1, False, True), (14, L2, False, True), (14, L1, False, True),
    (13, L2, False, False), (13, L2, True, True), (13, L1, False, False), (13, L1, True, True),
    (6, L2, True, True), (6, L1, False, False), (6, L1, True, True),
    (5, L1, False, True), (5, L1, True, True), (5, L2, True, False), (5, L2, False, False),
    (0, L1, False, True), (0, L2, True, False),
    (3, L0, False, True), (10, L0, False, True), (30, L0, False, True),
]  # fmt: skip


@pytest.mark.parametrize(("age", "level", "requested", "allowed"), CASES)
def test_the_age_band_decides_which_levels_may_be_held(
    age: int, level: VneidLevel, requested: bool, allowed: bool
) -> None:
    born = born_aged(age)
    assert age_on(born, ON) == age
    if allowed:
        check_level(level, born, ON, on_request_of_guardian=requested)
    else:
        with pytest.raises(InvalidCommand) as refused:
            check_level(level, born, ON, on_request_of_guardian=requested)
        assert refused.value.field == "level"
        assert f"age {age}" in refused.value.message


@pytest.mark.parametrize(("age", "requested"), [(14, False), (6, True)])
def test_the_day_before_a_boundary_birthday_the_younger_rule_applies(
    age: int, requested: bool
) -> None:
    """Born on 2 March: on 1 March they are a year younger than the years alone suggest."""
    born = date(ON.year - age, 3, 2)
    assert age_on(born, ON) == age - 1
    with pytest.raises(InvalidCommand, match=f"age {age - 1}"):
        check_level(L2, born, ON, on_request_of_guardian=requested)
    check_level(L2, born, date(ON.year, 3, 2), on_request_of_guardian=requested)


def test_age_counts_a_29_february_birthday_on_1_march() -> None:
    born = date(2012, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 13
    assert age_on(born, date(2026, 3, 1)) == 14


def test_the_refusal_says_why_in_words() -> None:
    with pytest.raises(InvalidCommand) as refused:
        check_level(L2, born_aged(4), ON)
    assert refused.value.message == "a resident under 6 (age 4) may hold level_1 only, not level_2"
    with pytest.raises(InvalidCommand, match="only at the request of a parent or guardian"):
        check_level(L1, born_aged(9), ON)


def test_a_change_before_the_birth_is_refused_on_its_date() -> None:
    with pytest.raises(InvalidCommand) as refused:
        check_level(L1, date(2026, 5, 1), ON)
    assert refused.value.field == "changed_on"


def resident() -> Resident:
    facts = ResidentRegistered(village_code="0892001", household_id=None, birth_year=2000)
    return Resident.register("resident-x", "08920", "VN-26/song-lo/cao-phong/thon-1", facts, AT)


def change(r: Resident, level: VneidLevel, on: date = ON) -> None:
    r.change_vneid_level(
        level, on, VneidSource.VNEID_APP_CHECK, born=date(2000, 1, 1),
        on_request_of_guardian=False, at=AT,
    )  # fmt: skip


def test_the_resident_records_a_change_with_its_previous_level() -> None:
    r = resident()
    change(r, L1)
    change(r, L2)
    last = r.pending[-1].payload
    assert (r.vneid_level, r.version, r.stored_version) == (L2, 3, 0)
    assert last.model_dump()["previous_level"] == L1


def test_the_same_level_twice_or_an_earlier_date_is_refused() -> None:
    r = resident()
    change(r, L1)
    with pytest.raises(InvalidCommand, match="already has level_1"):
        change(r, L1)
    with pytest.raises(InvalidCommand, match="before the last change"):
        change(r, L2, date(2026, 2, 1))


def test_nothing_is_decided_for_an_erased_resident() -> None:
    r = resident()
    r.erase(ErasureBasis.DATA_SUBJECT_REQUEST, AT)
    with pytest.raises(PersonalDataGone):
        change(r, L1)
    with pytest.raises(PersonalDataGone):
        r.erase(ErasureBasis.DATA_SUBJECT_REQUEST, AT)
