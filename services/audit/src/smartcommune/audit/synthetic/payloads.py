"""Payload models for the payments and techteams topics, field for field as in the contract.

Those services are being built alongside audit; until their registries exist the generator
writes these models (identity and dossiers events use the services' own registries). The
fields are exactly the contract's minimum, so a consumer that honours the contract reads them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from smartcommune.kit.events import EventPayload, PayloadRegistry

payments = PayloadRegistry("payments")
techteams = PayloadRegistry("techteams")
Village = str
NonNegative = int


@payments.register
class PaymentAccountOpened(EventPayload):
    event_type = "payment_account.opened"
    event_version = 1
    holder_kind: Literal["resident", "household", "merchant"]
    holder_id: str
    village_code: Village
    provider_type: Literal["bank", "e_wallet", "mobile_money"]
    provider: str
    masked_number: str
    opened_on: date


@payments.register
class PaymentAccountClosed(EventPayload):
    event_type = "payment_account.closed"
    event_version = 1
    closed_on: date


@payments.register
class MerchantRegistered(EventPayload):
    event_type = "merchant.registered"
    event_version = 1
    village_code: Village
    kind: Literal["shop", "market_stall", "service", "other"]
    accepts_qr: bool
    registered_on: date


@payments.register
class MerchantQrAcceptanceChanged(EventPayload):
    event_type = "merchant.qr_acceptance_changed"
    event_version = 1
    accepts_qr: bool
    changed_on: date


Purpose = Literal[
    "electricity",
    "water",
    "school_fee",
    "market_purchase",
    "public_service_fee",
    "welfare_received",
    "pension_received",
]


@payments.register
class CashlessPaymentRecorded(EventPayload):
    event_type = "cashless_payment.recorded"
    event_version = 1
    purpose: Purpose
    channel: Literal["bank_transfer", "qr", "card", "e_wallet"]
    amount_vnd: int = Field(ge=0)
    payer_kind: str
    payer_id: str
    payee_kind: str
    payee_id: str
    household_id: str | None
    village_code: Village | None
    paid_on: date


@techteams.register
class TeamEstablished(EventPayload):
    event_type = "team.established"
    event_version = 1
    village_code: Village
    decision_number: str
    decision_date: date
    leader_member_id: str


@techteams.register
class TeamMemberJoined(EventPayload):
    event_type = "team.member_joined"
    event_version = 1
    member_id: str
    role: str
    joined_on: date


@techteams.register
class TeamMemberLeft(EventPayload):
    event_type = "team.member_left"
    event_version = 1
    member_id: str
    left_on: date


TaskType = Literal[
    "vneid_install",
    "e_payment",
    "public_service_portal",
    "digital_address",
    "e_health_record",
    "household_visit",
    "training",
    "survey",
]


@techteams.register
class TaskCreated(EventPayload):
    event_type = "task.created"
    event_version = 1
    team_id: str
    village_code: Village
    task_type: TaskType
    target_kind: Literal["household", "resident"]
    target_id: str
    due_date: date


@techteams.register
class TaskAssigned(EventPayload):
    event_type = "task.assigned"
    event_version = 1
    member_id: str


@techteams.register
class TaskCompleted(EventPayload):
    event_type = "task.completed"
    event_version = 1
    outcome: str
    completed_on: date


@techteams.register
class HouseholdSurveyed(EventPayload):
    event_type = "household.surveyed"
    event_version = 1
    village_code: Village
    household_id: str
    surveyed_on: date
    has_fibre: bool
    has_4g: bool
    smartphones: NonNegative
    working_age_members: NonNegative
    working_age_with_online_skills: NonNegative
    members_using_epayment: NonNegative
    has_digital_address: bool


Facility = Literal[
    "free_wifi_cultural_house",
    "security_cameras",
    "smart_loudspeakers",
    "social_network_channel",
    "digital_production_model",
    "e_health_records",
]


@techteams.register
class FacilityAttested(EventPayload):
    event_type = "facility.attested"
    event_version = 1
    village_code: Village
    facility: Facility
    present: bool
    count: NonNegative
    attested_by: str
    attested_on: date
    evidence_sha256: str
    note: str


@techteams.register
class TrainingHeld(EventPayload):
    event_type = "training.held"
    event_version = 1
    village_code: Village
    held_on: date
    topic: str
    attendee_ids: tuple[str, ...]
