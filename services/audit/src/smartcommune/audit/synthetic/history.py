"""Years of plausible facts for one commune, in the contract's event names.

Deterministic for a seed: the same province, seed and years give the same payloads (ids
included), so a benchmark can be re-run and a test can predict what it wrote. The shape, per
village: households of 1–6 residents registered in the first year, births later; VNeID levels
rising year by year; dossiers submitted, received, resolved and rated, more and more online; a
community tech team with tasks, yearly household surveys, facility attestations and trainings;
payment accounts opened by a growing share of residents, merchants, and quarterly cashless
payments. Every fact belongs to its village (`unit_path`) and commune (`commune_code`).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from smartcommune.dossiers.domain import events as dossier_events
from smartcommune.dossiers.domain import values as dossier_values
from smartcommune.identity.domain import events as identity_events
from smartcommune.identity.domain.values import VneidLevel, VneidSource
from smartcommune.kit.events import Actor, EventPayload

from . import payloads as pay
from .province import Commune, Village

VIETNAM = timezone(timedelta(hours=7), "ICT")
PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", 0),
    ("1.000894", "Đăng ký kết hôn", 0),
    ("1.001022", "Chứng thực bản sao", 2000),
    ("2.000908", "Xác nhận tình trạng hôn nhân", 0),
    ("1.003583", "Đăng ký thường trú", 10000),
)
PROVIDERS = (("bank", "VCB"), ("bank", "AGR"), ("e_wallet", "MoMo"), ("mobile_money", "Viettel"))
FACILITIES = (
    "free_wifi_cultural_house",
    "security_cameras",
    "smart_loudspeakers",
    "social_network_channel",
    "digital_production_model",
    "e_health_records",
)


@dataclass(frozen=True)
class Fact:
    service: str
    stream_id: str
    commune_code: str
    unit_path: str
    occurred_at: datetime
    actor: Actor
    payload: EventPayload


@dataclass
class _Person:
    id: str
    household: str
    birth_year: int


class _Ids:
    """UUIDs drawn from the seeded generator, so a seed fixes every id."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _moment(day: date, rng: random.Random) -> datetime:
    clock = time(7 + rng.randrange(10), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, clock, VIETNAM).astimezone(UTC)


def _day(year: int, rng: random.Random, start: date, end: date) -> date:
    first = max(date(year, 1, 1), start)
    last = min(date(year, 12, 31), end)
    return first + timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def commune_history(
    commune: Commune,
    *,
    years: int = 3,
    until: date = date(2026, 6, 30),
    households: int = 20,
    seed: int = 7,
) -> list[Fact]:
    """Every fact of `commune` over `years` ending at `until`, in occurred_at order."""
    rng = random.Random(f"{seed}:{commune.code}")  # noqa: S311 — reproducible test data
    start = date(until.year - years + 1, 1, 1)
    facts: list[Fact] = []
    for village in commune.villages:
        facts.extend(_village(commune, village, rng, _Ids(rng), start, until, households))
    facts.sort(key=lambda f: f.occurred_at)
    return facts


def _village(
    commune: Commune,
    village: Village,
    rng: random.Random,
    ids: _Ids,
    start: date,
    until: date,
    households: int,
) -> Iterator[Fact]:
    officer = Actor(subject=f"officer-{commune.code}", role="commune-officer")
    member_actor = Actor(subject=f"techteam-{village.code}", role="techteam-member")
    payments_actor = Actor.for_service("payments")

    def fact(service: str, stream: str, day: date, payload: EventPayload, actor: Actor) -> Fact:
        return Fact(service, stream, commune.code, village.path, _moment(day, rng), actor, payload)

    # ---- identity: households and residents in the first year, births later
    people: list[_Person] = []
    first_year = start.year
    for _ in range(households):
        household = f"household-{ids.uuid4()}"
        day = _day(first_year, rng, start, until)
        members = []
        for _ in range(rng.randint(1, 6)):
            person = _Person(f"resident-{ids.uuid4()}", household, rng.randint(1940, 2020))
            members.append(person)
            yield fact(
                "identity", person.id, day,
                identity_events.ResidentRegistered(
                    village_code=village.code, household_id=household, birth_year=person.birth_year
                ),
                officer,
            )  # fmt: skip
        people.extend(members)
        yield fact(
            "identity", household, day + timedelta(days=1),
            identity_events.HouseholdRegistered(
                village_code=village.code, member_ids=tuple(p.id for p in members)
            ),
            officer,
        )  # fmt: skip
    households_ids = sorted({p.household for p in people})
    levels: dict[str, str] = {p.id: "none" for p in people}
    team_id, members_ids = f"team-{village.code}", [f"member-{ids.uuid4()}" for _ in range(4)]
    accounts: set[str] = set()
    for year in range(start.year, until.year + 1):
        progress = (year - start.year + 1) / (until.year - start.year + 1)
        # births
        for _ in range(max(0, len(people) // 80)):
            parent = rng.choice(people)
            baby = _Person(f"resident-{ids.uuid4()}", parent.household, year)
            day = _day(year, rng, start, until)
            people.append(baby)
            levels[baby.id] = "none"
            yield fact(
                "identity", baby.id, day,
                identity_events.ResidentRegistered(
                    village_code=village.code, household_id=baby.household, birth_year=year
                ),
                officer,
            )  # fmt: skip
        # VNeID adoption rises with the years
        for person in people:
            if person.birth_year > year - 14 or rng.random() > 0.35 + 0.3 * progress:
                continue
            old = levels[person.id]
            new = {"none": "level_1", "level_1": "level_2"}.get(old)
            if new is None:
                continue
            day = _day(year, rng, start, until)
            levels[person.id] = new
            yield fact(
                "identity", person.id, day,
                identity_events.VneidLevelChanged(
                    level=VneidLevel(new),
                    previous_level=VneidLevel(old),
                    changed_on=day, source=VneidSource.POLICE_REGISTRATION,
                    on_request_of_guardian=False,
                ),
                officer,
            )  # fmt: skip
        # dossiers, more of them online each year
        yield from _dossiers(commune, village, rng, ids, year, start, until, progress, officer)
        # tech team
        if year == start.year:
            day = _day(year, rng, start, until)
            yield fact(
                "techteams", team_id, day,
                pay.TeamEstablished(
                    village_code=village.code, decision_number=f"QD-{village.code}-{year}",
                    decision_date=day, leader_member_id=members_ids[0],
                ),
                officer,
            )  # fmt: skip
            for member in members_ids:
                yield fact(
                    "techteams", team_id, day + timedelta(days=1),
                    pay.TeamMemberJoined(member_id=member, role="member", joined_on=day),
                    officer,
                )  # fmt: skip
            for facility in FACILITIES:
                present = rng.random() < 0.5
                yield fact(
                    "techteams", f"{village.code}:{facility}", day + timedelta(days=2),
                    pay.FacilityAttested(
                        village_code=village.code, facility=facility,
                        present=present, count=int(present), attested_by=members_ids[0],
                        attested_on=day, evidence_sha256=hashlib.sha256(
                            f"{village.code}{facility}{year}".encode()).hexdigest(),
                        note="synthetic",
                    ),
                    member_actor,
                )  # fmt: skip
        for household in households_ids:
            day = _day(year, rng, start, until)
            working = rng.randint(1, 4)
            yield fact(
                "techteams", household, day,
                pay.HouseholdSurveyed(
                    village_code=village.code, household_id=household, surveyed_on=day,
                    has_fibre=rng.random() < 0.3 + 0.6 * progress,
                    has_4g=rng.random() < 0.7 + 0.3 * progress,
                    smartphones=rng.randint(0, 4), working_age_members=working,
                    working_age_with_online_skills=rng.randint(0, working),
                    members_using_epayment=rng.randint(0, working),
                    has_digital_address=rng.random() < progress,
                ),
                member_actor,
            )  # fmt: skip
            if rng.random() < 0.4:
                task = f"task-{ids.uuid4()}"
                yield fact(
                    "techteams", task, day,
                    pay.TaskCreated(
                        team_id=team_id, village_code=village.code,
                        task_type=rng.choice(("vneid_install", "e_payment", "household_visit")),
                        target_kind="household", target_id=household,
                        due_date=day + timedelta(days=14),
                    ),
                    officer,
                )  # fmt: skip
                yield fact(
                    "techteams", task, day + timedelta(days=1),
                    pay.TaskAssigned(member_id=rng.choice(members_ids)), officer,
                )  # fmt: skip
                yield fact(
                    "techteams", task, day + timedelta(days=5),
                    pay.TaskCompleted(outcome="done", completed_on=day + timedelta(days=5)),
                    member_actor,
                )  # fmt: skip
        for _ in range(2):
            day = _day(year, rng, start, until)
            attendees = tuple(p.id for p in rng.sample(people, min(len(people), 12)))
            yield fact(
                "techteams", f"training-{ids.uuid4()}", day,
                pay.TrainingHeld(village_code=village.code, held_on=day, topic="e-payment",
                                 attendee_ids=attendees),
                member_actor,
            )  # fmt: skip
        # payments: accounts for a growing share of adults, quarterly cashless payments
        for person in people:
            if person.id in accounts or person.birth_year > year - 16:
                continue
            if rng.random() > 0.25 + 0.25 * progress:
                continue
            accounts.add(person.id)
            kind, provider = rng.choice(PROVIDERS)
            day = _day(year, rng, start, until)
            yield fact(
                "payments", f"account-{ids.uuid4()}", day,
                pay.PaymentAccountOpened(
                    holder_kind="resident", holder_id=person.id, village_code=village.code,
                    provider_type=kind, provider=provider,
                    masked_number=f"******{rng.randrange(10_000):04d}", opened_on=day,
                ),
                payments_actor,
            )  # fmt: skip
        if year == start.year:
            for _ in range(rng.randint(2, 4)):
                day = _day(year, rng, start, until)
                yield fact(
                    "payments", f"merchant-{ids.uuid4()}", day,
                    pay.MerchantRegistered(
                        village_code=village.code, kind="shop", accepts_qr=rng.random() < 0.6,
                        registered_on=day,
                    ),
                    payments_actor,
                )  # fmt: skip
        payers = sorted({p.household for p in people if p.id in accounts})
        for household in payers:
            for quarter in range(4):
                day = date(year, 3 * quarter + 1, rng.randint(1, 28))
                if not (start <= day <= until):
                    continue
                yield fact(
                    "payments", f"payment-{ids.uuid4()}", day,
                    pay.CashlessPaymentRecorded(
                        purpose=rng.choice(("electricity", "water", "school_fee")),
                        channel=rng.choice(("bank_transfer", "qr", "e_wallet")),
                        amount_vnd=rng.randrange(50, 2000) * 1000, payer_kind="household",
                        payer_id=household, payee_kind="merchant", payee_id="EVN",
                        household_id=household, village_code=village.code, paid_on=day,
                    ),
                    payments_actor,
                )  # fmt: skip


def _dossiers(
    commune: Commune,
    village: Village,
    rng: random.Random,
    ids: _Ids,
    year: int,
    start: date,
    until: date,
    progress: float,
    officer: Actor,
) -> Iterator[Fact]:
    ev, val = dossier_events, dossier_values
    for n in range(rng.randint(8, 20)):
        code, name, fee = rng.choice(PROCEDURES)
        day = _day(year, rng, start, until)
        online = rng.random() < 0.3 + 0.6 * progress
        channel = val.Channel.FULL_ONLINE if online else val.Channel.IN_PERSON
        stream = f"dossier-{ids.uuid4()}"
        number = f"{commune.code}-{year}-{village.code[-2:]}{n:03d}-{rng.randrange(10**6):06d}"
        due = day + timedelta(days=5)
        days = rng.randint(1, 8)
        facts = [
            (day, ev.DossierSubmitted(
                dossier_number=number, kind=val.Kind.PROCEDURE, procedure_code=code,
                procedure_name=name, channel=channel, receiving_unit="Bộ phận một cửa",
                fee_vnd=fee, applicant_ref=f"res-{ids.uuid4()[:12]}",
                applicant_type=val.ApplicantType.CITIZEN, applicant_home_commune=commune.code,
                applicant_village=village.code, handling_department=None,
                handling_officer_ref=None,
            )),
            (day, ev.DossierReceived(appointment_date=due)),
            (day + timedelta(days=1), ev.DossierProcessingStarted()),
            (day + timedelta(days=days), ev.DossierResolved(
                outcome=val.Outcome.GRANTED, kind=val.Kind.PROCEDURE, channel=channel,
                due_date=due, on_time=days <= 5, processing_days=days,
            )),
        ]  # fmt: skip
        if rng.random() < 0.5:
            rated = ev.DossierRated(satisfaction=val.Satisfaction.SATISFIED)
            facts.append((day + timedelta(days=days + 1), rated))
        for when, payload in facts:
            if when > until:
                break
            yield Fact(
                "dossiers", stream, commune.code, village.path, _moment(when, rng), officer, payload
            )
