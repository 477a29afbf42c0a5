"""The identity service's events (`identity.events.v1`), all version 1, on one `PayloadRegistry`.

No event carries personal data or key material (ARCHITECTURE §3): a resident is its pseudonymous
stream id, and the payloads hold only what an indicator needs — the village, the household, the
birth year (for "working-age" denominators) and the VNeID level. The envelope's `unit_path` is the
village's path and `commune_code` its commune, so a commune's replay finds every fact.

The CA's certificate events are registered on the same registry by `identity.registry`.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from smartcommune.kit.events import EventPayload, PayloadRegistry

from .values import (
    BirthYear,
    ErasureBasis,
    HouseholdId,
    ResidentId,
    VillageCode,
    VneidLevel,
    VneidSource,
)

registry = PayloadRegistry("identity")


@registry.register
class ResidentRegistered(EventPayload):
    """A resident was registered in a village (the stream id is the pseudonymous id)."""

    event_type = "resident.registered"
    event_version = 1
    village_code: VillageCode
    household_id: HouseholdId | None
    birth_year: BirthYear


@registry.register
class HouseholdRegistered(EventPayload):
    """A household (hộ gia đình) of a village, with the residents registered in it so far."""

    event_type = "household.registered"
    event_version = 1
    village_code: VillageCode
    member_ids: tuple[ResidentId, ...] = Field(max_length=100)


@registry.register
class HouseholdMemberAdded(EventPayload):
    event_type = "household.member_added"
    event_version = 1
    resident_id: ResidentId


@registry.register
class VneidLevelChanged(EventPayload):
    """The resident's VNeID level from `changed_on`, and how the commune learned it."""

    event_type = "vneid.level_changed"
    event_version = 1
    level: VneidLevel
    previous_level: VneidLevel
    changed_on: date
    source: VneidSource
    on_request_of_guardian: bool


@registry.register
class ResidentErased(EventPayload):
    """The resident's personal data was destroyed (its key deleted); the facts above remain."""

    event_type = "resident.erased"
    event_version = 1
    basis: ErasureBasis
