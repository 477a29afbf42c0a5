"""Response bodies of the REST API (request bodies are the application's commands).

Every body but `PersonalDataView` is pseudonymous: ids, village codes, birth years and VNeID
levels — the same facts the events carry, so none of these can leak a person's identity.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from ..domain.values import PersonalData


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this service is answered."""

    type: str
    title: str
    title_vi: str | None = None
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = Field(None, description="[{field, message}] for 4xx")


class VneidView(BaseModel):
    level: str
    changed_on: date | None
    source: str | None


class ResidentView(BaseModel):
    resident_id: str = Field(description="pseudonymous: random, never derived from the person")
    commune_code: str
    village_code: str
    unit_path: str
    household_id: str | None
    birth_year: int
    vneid: VneidView
    registered_at: UtcTime
    erased: bool = Field(description="personal data destroyed; the facts above remain")
    version: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ResidentView:
        vneid = VneidView(
            level=row["vneid_level"], changed_on=row["vneid_changed_on"],
            source=row["vneid_source"],
        )  # fmt: skip
        return cls.model_validate({**row, "vneid": vneid, "erased": row["erased_at"] is not None})


class ResidentPage(BaseModel):
    items: list[ResidentView]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class HouseholdView(BaseModel):
    household_id: str
    commune_code: str
    village_code: str
    unit_path: str
    member_ids: list[str] | None = Field(
        None, description="given for one household; lists give member_count"
    )
    member_count: int
    registered_at: UtcTime
    version: int


class HouseholdPage(BaseModel):
    items: list[HouseholdView]
    next_cursor: str | None


class VillageCounts(BaseModel):
    """The figures indicators are computed from; erasure never changes them."""

    village_code: str
    unit_path: str
    residents: int
    vneid_level_2: int
    households: int


class CountsView(BaseModel):
    unit_code: str
    unit_path: str
    residents: int
    vneid_level_2: int
    households: int
    villages: list[VillageCounts]


class PersonalDataView(PersonalData):
    """Decrypted personal data; every read of it is written to the audit log."""

    resident_id: str
