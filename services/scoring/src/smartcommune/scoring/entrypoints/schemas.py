"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

UnitCode = Annotated[str, Field(pattern=r"^[0-9]{2,7}$")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this service is answered."""

    type: str
    title: str
    title_vi: str | None = None
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = Field(None, description="[{field, message}] for 4xx")
    failing: list[dict[str, Any]] | None = Field(
        None, description="criteria-unmet: units that fail and their failing indicators"
    )


class UnitIn(_Body):
    code: str = Field(pattern=r"^[0-9]{5}$|^[0-9]{7}$|^[0-9]{3}$")
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    type: Literal["district", "commune", "ward", "special_zone", "village"]
    parent: str = Field(pattern=r"^[0-9]{2,7}$")
    valid_from: date
    valid_to: date | None = None
    group: Literal[1, 2, 3] | None = None
    flags: list[Literal["ethnic_minority", "mountain", "island"]] = Field([], max_length=3)


class UnitChange(_Body):
    """Only the fields given change; `valid_to` ends a unit (the 2025 reform: a district)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Field(None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    parent: str | None = Field(None, pattern=r"^[0-9]{2,7}$")
    valid_from: date | None = None
    valid_to: date | None = None
    group: Literal[1, 2, 3] | None = None
    flags: list[Literal["ethnic_minority", "mountain", "island"]] | None = Field(None, max_length=3)


class MergeIn(_Body):
    merge_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,80}$")
    sources: list[UnitCode] = Field(min_length=1, max_length=50)
    into: str = Field(pattern=r"^[0-9]{2,7}$")
    effective: date
    basis: str = Field("", max_length=2000)


class UnitView(BaseModel):
    code: str
    name: str
    slug: str
    type: str
    parent: str | None
    path: str
    valid_from: date
    valid_to: date | None
    group: int | None
    flags: list[str]


class UnitFactIn(_Body):
    """A count about the commune, attested with the SHA-256 of the evidence the commune keeps
    (the register of officials' training certificates, the postal point's licence, ...)."""

    fact: Literal[
        "postal_service_points", "officials_total", "officials_trained", "ocop_products",
        "ocop_products_online",
    ]  # fmt: skip
    value: int = Field(ge=0, le=1_000_000)
    attested_on: date
    evidence_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    note: str = Field("", max_length=2000)


class ProposalIn(_Body):
    criteria_set_id: str = Field(min_length=1, max_length=80)
    criteria_set_version: int | None = Field(None, ge=1, le=10_000)
    unit_codes: list[UnitCode] = Field(min_length=1, max_length=100)
    note: str = Field("", max_length=2000)
    include_predecessors: bool = False


class ReturnIn(_Body):
    comments: str = Field(min_length=1, max_length=2000)


class DecisionIn(_Body):
    decision_number: str | None = Field(None, min_length=1, max_length=80, pattern=r"^\S.*\S$|^\S$")


class RevocationIn(_Body):
    reason: str = Field(min_length=1, max_length=2000)
    decision_number: str | None = Field(None, min_length=1, max_length=80, pattern=r"^\S.*\S$|^\S$")
