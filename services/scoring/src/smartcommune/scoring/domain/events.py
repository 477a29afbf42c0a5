"""The scoring service's events (`scoring.events.v1`), all version 1.

Unit events go on the chain of the unit's commune (the district and province levels, which have
no commune, on the platform master-data chain `00000`); recognition events on the chain of the
commune whose units are recognised, so a commune's replay holds every decision about it.
Decisions carry no personal data: the signer is a Keycloak subject and a certificate serial.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from smartcommune.kit.events import EventPayload, PayloadRegistry

registry = PayloadRegistry("scoring")
MASTER_DATA_CHAIN = "00000"
#: Fields of a decision payload that are not part of the signed content.
SIGNATURE_FIELDS = frozenset({"signature_cms_b64", "signed_at"})

Code = Annotated[str, Field(pattern=r"^[0-9]{2,7}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Text = Annotated[str, Field(max_length=2000)]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitRecord(_Part):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    type: Literal["province", "district", "commune", "ward", "special_zone", "village"]
    parent: Code | None
    path: str
    valid_from: date
    valid_to: date | None
    group: Literal[1, 2, 3] | None
    flags: tuple[Literal["ethnic_minority", "mountain", "island"], ...]


@registry.register
class AdminUnitCreated(EventPayload):
    event_type = "admin_unit.created"
    event_version = 1
    unit: UnitRecord


@registry.register
class AdminUnitChanged(EventPayload):
    """The unit's whole record after the change, and which fields changed."""

    event_type = "admin_unit.changed"
    event_version = 1
    unit: UnitRecord
    changed_fields: tuple[str, ...]


@registry.register
class AdminUnitMerged(EventPayload):
    event_type = "admin_unit.merged"
    event_version = 1
    merge_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,80}$")
    sources: tuple[Code, ...] = Field(min_length=1)
    into: Code
    effective: date
    basis: Text


class CriteriaSetRef(_Part):
    id: str
    version: int
    sha256: Sha256


@registry.register
class RecognitionProposed(EventPayload):
    event_type = "recognition.proposed"
    event_version = 1
    commune_code: str
    criteria_set: CriteriaSetRef
    unit_codes: tuple[Code, ...] = Field(min_length=1)
    include_predecessors: bool
    note: Text


@registry.register
class RecognitionReturned(EventPayload):
    event_type = "recognition.returned"
    event_version = 1
    comments: Text


class Authority(_Part):
    unit_code: Code
    unit_path: str
    level: str
    role: str


class Signer(_Part):
    subject: str
    username: str
    role: str
    certificate_serial: str


class IndicatorValue(_Part):
    indicator_id: str
    numerator: int
    denominator: int | None
    threshold: int
    threshold_basis: str
    met: bool
    mandatory: bool


class DecisionUnit(_Part):
    code: Code
    path: str
    name: str
    meets: bool
    indicators: tuple[IndicatorValue, ...]


class FrontierEntry(_Part):
    service: str
    commune_code: str
    chain_seq: int
    hash: Sha256


class _Decision(EventPayload):
    decision_number: str = Field(min_length=1, max_length=80)
    decided_on: date
    as_of: date
    commune_code: str
    authority: Authority
    signer: Signer
    units: tuple[DecisionUnit, ...]
    criteria_set: CriteriaSetRef
    include_predecessors: bool
    evidence_frontier: tuple[FrontierEntry, ...]
    document_sha256: Sha256
    signed_at: str
    signature_cms_b64: str


@registry.register
class RecognitionDecisionIssued(_Decision):
    event_type = "recognition.decision_issued"
    event_version = 1
    proposal_id: str


@registry.register
class RecognitionRevocationIssued(_Decision):
    event_type = "recognition.revocation_issued"
    event_version = 1
    revokes_decision_id: str
    revokes_decision_number: str
    reason: Text


@registry.register
class RecognitionReviewFlagged(EventPayload):
    """A recognised unit no longer meets its set: flagged for review, not revoked."""

    event_type = "recognition.review_flagged"
    event_version = 1
    unit_code: Code
    decision_id: str
    decision_number: str
    criteria_set: CriteriaSetRef
    as_of: date
    failing: tuple[str, ...]


#: Commune-level facts no other service's event measures (Decision 1127, criterion 8), attested
#: by the commune's officer with the SHA-256 of the evidence document kept by the commune:
#: public postal service points; commune officials, and those of them trained in digital skills
#: and information security; the commune's OCOP products, and those sold on an e-commerce
#: platform.
UnitFactName = Literal[
    "postal_service_points", "officials_total", "officials_trained", "ocop_products",
    "ocop_products_online",
]  # fmt: skip
UNIT_FACTS: tuple[str, ...] = get_args(UnitFactName)


@registry.register
class UnitFactAttested(EventPayload):
    """A commune officer attests a count about the commune on a date (stream
    `unit-fact-<unit>-<fact>-<date>`: one attestation per unit, fact and date); the latest
    attestation date counts."""

    event_type = "unit_fact.attested"
    event_version = 1
    unit_code: Code
    fact: UnitFactName
    value: int = Field(ge=0, le=1_000_000)
    attested_on: date
    evidence_sha256: Sha256
    note: Text
