"""Surveys and attestations: the latest counts (never dated before the previous one), counts
agree with the facility's kind, and a training names each attendee once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from smartcommune.techteams.domain.errors import InconsistentCommand
from smartcommune.techteams.domain.events import FacilityAttested, HouseholdSurveyed, TrainingHeld
from smartcommune.techteams.domain.facts import DatedFacts, Training, new_training_id
from smartcommune.techteams.domain.values import Facility

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
HOUSEHOLD = "household-6f1f9b7e-2f43-4e43-9d2b-1d8f0d5c2a10"
MEMBER = "member-0196f3a0-0000-7000-8000-000000000001"
SHA = "a" * 64


def survey(day: date, **changes: Any) -> HouseholdSurveyed:
    fields: dict[str, Any] = {
        "village_code": "0892001", "household_id": HOUSEHOLD, "surveyed_on": day,
        "has_fibre": False, "has_4g": True, "smartphones": 2, "working_age_members": 2,
        "working_age_with_online_skills": 1, "members_using_epayment": 1,
        "has_digital_address": False, **changes,
    }  # fmt: skip
    return HouseholdSurveyed(**fields)


def stream() -> DatedFacts:
    return DatedFacts(HOUSEHOLD, "08920", "VN-26/song-lo/cao-phong/thon-1")


def test_the_latest_survey_counts_and_none_goes_back_in_time() -> None:
    facts = stream()
    facts.record(survey(date(2026, 1, 5)), AT)
    facts.record(survey(date(2026, 3, 1), has_fibre=True), AT)
    facts.record(survey(date(2026, 3, 1), smartphones=3), AT)  # a same-day correction
    assert isinstance(facts.latest, HouseholdSurveyed)
    assert (facts.latest.smartphones, facts.version) == (3, 3)
    with pytest.raises(InconsistentCommand) as older:
        facts.record(survey(date(2026, 2, 1)), AT)
    assert older.value.field == "surveyed_on"
    with pytest.raises(InconsistentCommand) as future:
        facts.record(survey(date(2026, 3, 11)), AT)
    assert future.value.field == "surveyed_on"


def test_more_skilled_people_than_working_age_members_is_refused() -> None:
    with pytest.raises(InconsistentCommand) as refused:
        stream().record(survey(date(2026, 3, 1), working_age_with_online_skills=3), AT)
    assert refused.value.field == "working_age_with_online_skills"


def attestation(facility: Facility, present: bool, count: int) -> FacilityAttested:
    return FacilityAttested(
        village_code="0892001", facility=facility, present=present, count=count,
        attested_by=MEMBER, attested_on=date(2026, 3, 1), evidence_sha256=SHA,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("facility", "present", "count", "fine"),
    [
        (Facility.SECURITY_CAMERAS, True, 3, True),
        (Facility.SECURITY_CAMERAS, True, 0, False),
        (Facility.SECURITY_CAMERAS, False, 2, False),
        (Facility.FREE_WIFI_CULTURAL_HOUSE, True, 1, True),
        (Facility.FREE_WIFI_CULTURAL_HOUSE, True, 2, False),
        (Facility.SOCIAL_NETWORK_CHANNEL, False, 0, True),
        (Facility.DIGITAL_PRODUCTION_MODEL, True, 2, True),
    ],
)
def test_an_attestations_count_fits_the_facility(
    facility: Facility, present: bool, count: int, fine: bool
) -> None:
    facts = DatedFacts(f"0892001:{facility}", "08920", "VN-26/song-lo/cao-phong/thon-1")
    if fine:
        facts.record(attestation(facility, present, count), AT)
    else:
        with pytest.raises(InconsistentCommand) as refused:
            facts.record(attestation(facility, present, count), AT)
        assert refused.value.field == "count"


def test_a_training_names_each_attendee_once() -> None:
    resident = "resident-6f1f9b7e-2f43-4e43-9d2b-1d8f0d5c2a10"
    facts = TrainingHeld(
        village_code="0892001",
        held_on=date(2026, 3, 1),
        topic="VNeID",
        attendee_ids=(resident, resident),
    )
    with pytest.raises(InconsistentCommand) as twice:
        Training.hold(new_training_id(), "08920", "VN-26/song-lo/cao-phong/thon-1", facts, AT)
    assert twice.value.field == "attendee_ids"
