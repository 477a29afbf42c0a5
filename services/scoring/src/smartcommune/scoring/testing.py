"""Deterministic facts of villages, as the producing services emit them (contract event names
and fields), for tests, the scenario and benchmarks; and an in-memory chain writer.

`village_facts(...)` returns `Fact`s — what a service decided — so a test can seal them into
chains in memory (`Chains`) or append them through a real `EventStore` and relay them to Kafka.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from smartcommune.kit.events import GENESIS, Actor, EventDraft, EventEnvelope, Frontier, seal

_NS = uuid.UUID("5b7b3c1e-5d8e-4f0a-9a51-2f6d2f0c0a11")


def stable_id(prefix: str, *parts: object) -> str:
    """`<prefix>-<uuid>`: deterministic, yet shaped as the random (version 4) ids producers use."""
    derived = uuid.uuid5(_NS, "/".join(map(str, parts)))
    return f"{prefix}-{uuid.UUID(bytes=derived.bytes, version=4)}"


@dataclass(frozen=True)
class Fact:
    service: str
    event_type: str
    stream_id: str
    payload: dict[str, Any]
    commune_code: str
    unit_path: str
    occurred_at: datetime

    def draft(self) -> EventDraft:
        return EventDraft(
            event_type=self.event_type, event_version=1, stream_id=self.stream_id,
            commune_code=self.commune_code, unit_path=self.unit_path,
            occurred_at=self.occurred_at, actor=Actor.for_service(self.service),
            payload=self.payload,
        )  # fmt: skip


@dataclass
class Chains:
    """Seals facts into per-(service, commune) chains in memory, as each service's store would."""

    heads: dict[tuple[str, str], Frontier] = field(default_factory=dict)
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    recorded: list[EventEnvelope] = field(default_factory=list)

    def record(self, fact: Fact) -> EventEnvelope:
        chain = (fact.service, fact.commune_code)
        version = self.versions.get((fact.service, fact.stream_id), 0) + 1
        envelope = seal(
            fact.draft(), service=fact.service, stream_version=version,
            recorded_at=fact.occurred_at, after=self.heads.get(chain, GENESIS),
        )  # fmt: skip
        self.heads[chain] = Frontier(envelope.chain_seq, envelope.hash)
        self.versions[(fact.service, fact.stream_id)] = version
        self.recorded.append(envelope)
        return envelope

    def record_all(self, facts: list[Fact]) -> list[EventEnvelope]:
        return [self.record(f) for f in facts]


@dataclass(frozen=True)
class VillageProfile:
    """How a village stands; the defaults meet the demo smart-village set."""

    households: int = 8
    with_epayment: int | None = None  # working-age residents with an account (None: all)
    free_wifi: bool = True
    cameras: int = 3
    fibre: bool = True


def village_facts(
    commune_code: str,
    village_code: str,
    village_path: str,
    profile: VillageProfile = VillageProfile(),
    *,
    day: date = date(2026, 10, 1),
) -> list[Fact]:
    """The facts of one village from identity, payments, techteams and dossiers."""
    at = datetime.combine(day, time(3, 0), tzinfo=UTC)
    commune_path = village_path.rsplit("/", 1)[0]
    facts: list[Fact] = []

    def add(service: str, kind: str, stream: str, payload: dict[str, Any], *,
            path: str = village_path, minutes: int = 0) -> None:  # fmt: skip
        when = at + timedelta(minutes=minutes)
        facts.append(Fact(service, kind, stream, payload, commune_code, path, when))

    adults: list[str] = []
    for h in range(profile.households):
        household = stable_id("household", village_code, h)
        members = [stable_id("resident", village_code, h, m) for m in range(3)]
        for m, (resident, born) in enumerate(zip(members, (1985, 1990, 1950), strict=True)):
            add("identity", "resident.registered", resident,
                {"village_code": village_code, "household_id": household, "birth_year": born},
                minutes=m)  # fmt: skip
            add("identity", "vneid.level_changed", resident,
                {"level": "level_2", "previous_level": "none", "changed_on": day.isoformat(),
                 "source": "police_registration", "on_request_of_guardian": False},
                minutes=5)  # fmt: skip
        adults += members[:2]
        add("identity", "household.registered", household,
            {"village_code": village_code, "member_ids": members}, minutes=4)  # fmt: skip
        add("techteams", "household.surveyed", household,
            {"village_code": village_code, "household_id": household,
             "surveyed_on": day.isoformat(), "has_fibre": profile.fibre, "has_4g": profile.fibre,
             "smartphones": 2, "working_age_members": 2, "working_age_with_online_skills": 2,
             "members_using_epayment": 2, "has_digital_address": True, "surveyed_by": None},
            minutes=10)  # fmt: skip
        add("payments", "cashless_payment.recorded", stable_id("payment", village_code, h),
            {"purpose": "electricity", "channel": "bank_transfer", "amount_vnd": 350_000,
             "payer_kind": "household", "payer_id": household, "payee_kind": "merchant",
             "payee_id": "merchant-evn", "household_id": household,
             "village_code": village_code, "paid_on": day.isoformat(), "provider": "VCB",
             "provider_transaction_id": f"FT{village_code}{h:04d}", "fee_id": None},
            minutes=20)  # fmt: skip
    holders = adults if profile.with_epayment is None else adults[: profile.with_epayment]
    for n, resident in enumerate(holders):
        add("payments", "payment_account.opened", stable_id("account", village_code, n),
            {"holder_kind": "resident", "holder_id": resident, "village_code": village_code,
             "provider_type": "bank", "provider": "VCB", "masked_number": "******6789",
             "opened_on": day.isoformat()}, minutes=15)  # fmt: skip
    for n in range(2):
        add("payments", "merchant.registered", stable_id("merchant", village_code, n),
            {"village_code": village_code, "kind": "shop", "accepts_qr": n == 0,
             "registered_on": day.isoformat()}, minutes=16)  # fmt: skip
    team = stable_id("team", village_code)
    add("techteams", "team.established", team,
        {"village_code": village_code, "decision_number": f"12/QĐ-UBND-{village_code}",
         "decision_date": day.isoformat(), "leader_member_id": stable_id("member", team, 0)},
        minutes=30)  # fmt: skip
    for n in range(1, 4):
        add("techteams", "team.member_joined", team,
            {"member_id": stable_id("member", team, n), "role": "youth_union",
             "joined_on": day.isoformat(), "resident_id": None, "account_subject": None},
            minutes=30 + n)  # fmt: skip
    facilities = {
        "free_wifi_cultural_house": (profile.free_wifi, 1 if profile.free_wifi else 0),
        "security_cameras": (profile.cameras > 0, profile.cameras),
        "smart_loudspeakers": (True, 1),
        "social_network_channel": (True, 1),
        "e_health_records": (True, 1),
        "digital_production_model": (True, 1),
    }
    for name, (present, count) in facilities.items():
        add("techteams", "facility.attested", f"{village_code}:{name}",
            {"village_code": village_code, "facility": name, "present": present,
             "count": count, "attested_by": stable_id("member", team, 0),
             "attested_on": day.isoformat(), "evidence_sha256": "0" * 64, "note": None},
            minutes=40)  # fmt: skip
    add("techteams", "training.held", stable_id("training", village_code),
        {"village_code": village_code, "held_on": day.isoformat(), "topic": "Kỹ năng số cơ bản",
         "attendee_ids": adults, "led_by": None}, minutes=50)  # fmt: skip
    for n in range(4):
        dossier = stable_id("dossier", village_code, n)
        add("dossiers", "dossier.submitted", dossier,
            {"dossier_number": f"000.26.{commune_code}-{village_code[-2:]}{n:02d}",
             "kind": "procedure", "procedure_code": "1.001193",
             "procedure_name": "Đăng ký khai sinh", "channel": "full_online",
             "receiving_unit": "Bộ phận một cửa", "fee_vnd": 0,
             "applicant_ref": f"res-{village_code}-{n}", "applicant_type": "citizen",
             "applicant_home_commune": commune_code, "applicant_village": village_code,
             "handling_department": None, "handling_officer_ref": None},
            path=commune_path, minutes=60)  # fmt: skip
        add("dossiers", "dossier.resolved", dossier,
            {"outcome": "granted", "kind": "procedure", "channel": "full_online",
             "due_date": day.isoformat(), "on_time": True, "processing_days": 2},
            path=commune_path, minutes=70)  # fmt: skip
    return facts
