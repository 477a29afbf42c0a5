"""Years of plausible facts for one commune, in the contract's event names.

Deterministic for a seed: the same province, seed and years give the same payloads (ids
included), so a benchmark can be re-run and a test can predict what it wrote. The shape, per
village: households of 1–6 residents registered in the first year, births later; VNeID levels
rising year by year; dossiers submitted, received, resolved and rated, more and more online; a
community tech team with tasks, yearly household surveys, facility attestations and trainings;
payment accounts opened by a growing share of residents, merchants, and quarterly cashless
payments. Every fact belongs to its village (`unit_path`) and commune (`commune_code`).

Every payload is built with the producing service's own model (identity, dossiers, payments and
techteams registries), ids and all in the shapes those services give, so a synthetic event is one
the service itself could have emitted and a consumer reads it exactly as in production.
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
from smartcommune.payments.domain import events as payment_events
from smartcommune.payments.domain import values as payment_values
from smartcommune.payments.domain.payment import payment_id_for
from smartcommune.techteams.domain import events as team_events
from smartcommune.techteams.domain import values as team_values
from smartcommune.techteams.domain.facts import facility_stream

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
#: How a payment goes through, by the kind of account it is paid from.
CHANNELS = {
    "bank": ("bank_transfer", "qr", "card"),
    "e_wallet": ("e_wallet", "qr"),
    "mobile_money": ("e_wallet",),
}
#: Who a household pays its bills to (public bodies: the utility, the water company, the school).
BILL_PAYEES = {
    "electricity": "EVNNPC",
    "water": "NUOCSACH-{commune}",
    "school_fee": "THCS-{commune}",
}
#: The team a decision sets up: the leader and members from the village's organisations.
TEAM_ROLES = ("leader", "village_head", "youth_union", "womens_union", "teacher")
TRAINING_TOPICS = (
    "Cài đặt và kích hoạt VNeID mức 2",
    "Thanh toán không dùng tiền mặt",
    "Nộp hồ sơ trên Cổng dịch vụ công",
    "An toàn thông tin trên mạng",
)
TASK_OUTCOMES = ("succeeded", "succeeded", "succeeded", "partial", "declined", "not_at_home")


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
    team_id = f"team-{ids.uuid4()}"
    members_ids = [f"member-{ids.uuid4()}" for _ in TEAM_ROLES]
    providers: dict[str, tuple[str, str]] = {}  # resident id -> (provider type, provider)
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
            # as the service records a decision: established, then every member joined
            yield fact(
                "techteams", team_id, day,
                team_events.TeamEstablished(
                    village_code=village.code,
                    decision_number=f"{rng.randint(1, 300)}/QĐ-UBND",
                    decision_date=day, leader_member_id=members_ids[0],
                ),
                officer,
            )  # fmt: skip
            for member, role in zip(members_ids, TEAM_ROLES, strict=True):
                yield fact(
                    "techteams", team_id, day + timedelta(days=1),
                    team_events.TeamMemberJoined(
                        member_id=member, role=team_values.MemberRole(role), joined_on=day
                    ),
                    officer,
                )  # fmt: skip
            for facility in team_values.Facility:
                present = rng.random() < 0.5
                counted = facility in team_values.COUNTED
                yield fact(
                    "techteams", facility_stream(village.code, facility), day + timedelta(days=2),
                    team_events.FacilityAttested(
                        village_code=village.code, facility=facility, present=present,
                        count=(rng.randint(1, 8) if counted else 1) if present else 0,
                        attested_by=members_ids[0], attested_on=day + timedelta(days=2),
                        evidence_sha256=hashlib.sha256(
                            f"{village.code}{facility}{year}".encode()).hexdigest(),
                    ),
                    member_actor,
                )  # fmt: skip
        for household in households_ids:
            day = _day(year, rng, start, until)
            working = rng.randint(1, 4)
            yield fact(
                "techteams", household, day,
                team_events.HouseholdSurveyed(
                    village_code=village.code, household_id=household, surveyed_on=day,
                    has_fibre=rng.random() < 0.3 + 0.6 * progress,
                    has_4g=rng.random() < 0.7 + 0.3 * progress,
                    smartphones=rng.randint(0, 4), working_age_members=working,
                    working_age_with_online_skills=rng.randint(0, working),
                    members_using_epayment=rng.randint(0, working),
                    has_digital_address=rng.random() < progress,
                    surveyed_by=rng.choice(members_ids),
                ),
                member_actor,
            )  # fmt: skip
            if rng.random() < 0.4 and day + timedelta(days=5) <= until:
                task, assignee = f"task-{ids.uuid4()}", rng.choice(members_ids)
                task_type = rng.choice(("vneid_install", "e_payment", "household_visit"))
                yield fact(
                    "techteams", task, day,
                    team_events.TaskCreated(
                        team_id=team_id, village_code=village.code,
                        task_type=team_values.TaskType(task_type),
                        target_kind=team_values.TargetKind.HOUSEHOLD, target_id=household,
                        due_date=day + timedelta(days=14),
                    ),
                    officer,
                )  # fmt: skip
                yield fact(
                    "techteams", task, day + timedelta(days=1),
                    team_events.TaskAssigned(member_id=assignee), officer,
                )  # fmt: skip
                yield fact(
                    "techteams", task, day + timedelta(days=5),
                    team_events.TaskCompleted(
                        outcome=team_values.TaskOutcome(rng.choice(TASK_OUTCOMES)),
                        completed_on=day + timedelta(days=5), member_id=assignee,
                    ),
                    member_actor,
                )  # fmt: skip
        adults = [p for p in people if p.birth_year <= year - 15]
        for _ in range(2 if adults else 0):
            day = _day(year, rng, start, until)
            attendees = tuple(p.id for p in rng.sample(adults, min(len(adults), 12)))
            yield fact(
                "techteams", f"training-{ids.uuid4()}", day,
                team_events.TrainingHeld(
                    village_code=village.code, held_on=day, topic=rng.choice(TRAINING_TOPICS),
                    attendee_ids=attendees, led_by=rng.choice(members_ids),
                ),
                member_actor,
            )  # fmt: skip
        # payments: accounts for a growing share of adults, quarterly cashless payments
        for person in people:
            if person.id in providers or person.birth_year > year - 16:
                continue
            if rng.random() > 0.25 + 0.25 * progress:
                continue
            kind, provider = providers[person.id] = rng.choice(PROVIDERS)
            day = _day(year, rng, start, until)
            yield fact(
                "payments", f"account-{ids.uuid4()}", day,
                payment_events.PaymentAccountOpened(
                    holder_kind=payment_values.HolderKind.RESIDENT, holder_id=person.id,
                    village_code=village.code, provider_type=payment_values.ProviderType(kind),
                    provider=provider, masked_number=f"******{rng.randrange(10_000):04d}",
                    opened_on=day,
                ),
                payments_actor,
            )  # fmt: skip
        if year == start.year:
            for _ in range(rng.randint(2, 4)):
                day = _day(year, rng, start, until)
                yield fact(
                    "payments", f"merchant-{ids.uuid4()}", day,
                    payment_events.MerchantRegistered(
                        village_code=village.code,
                        kind=payment_values.MerchantKind(
                            rng.choice(("shop", "shop", "market_stall", "service"))
                        ),
                        accepts_qr=rng.random() < 0.6, registered_on=day,
                    ),
                    payments_actor,
                )  # fmt: skip
        # each household with an account pays from the first account of its members
        payers: dict[str, tuple[str, str]] = {}
        for person in people:
            if person.id in providers:
                payers.setdefault(person.household, providers[person.id])
        for household in sorted(payers):
            kind, provider = payers[household]
            for quarter in range(4):
                day = date(year, 3 * quarter + 1, rng.randint(1, 28))
                if not (start <= day <= until):
                    continue
                purpose = rng.choice(("electricity", "water", "school_fee"))
                transaction = f"FT{day:%y%m%d}{rng.randrange(10**10):010d}"
                yield fact(
                    "payments", payment_id_for(provider, transaction), day,
                    payment_events.CashlessPaymentRecorded(
                        purpose=payment_values.Purpose(purpose),
                        channel=payment_values.PaymentChannel(rng.choice(CHANNELS[kind])),
                        amount_vnd=rng.randrange(50, 2000) * 1000,
                        payer_kind=payment_values.PartyKind.HOUSEHOLD, payer_id=household,
                        payee_kind=payment_values.PartyKind.PUBLIC_BODY,
                        payee_id=BILL_PAYEES[purpose].format(commune=commune.code),
                        household_id=household, village_code=village.code, paid_on=day,
                        provider=provider, provider_transaction_id=transaction, fee_id=None,
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
        previous: datetime | None = None
        for when, payload in facts:
            if when > until:
                break
            # two steps of one day keep their order: a stream is appended in occurred_at order
            moment = _moment(when, rng)
            if previous is not None and moment <= previous:
                moment = previous + timedelta(minutes=rng.randint(1, 30))
            previous = moment
            yield Fact("dossiers", stream, commune.code, village.path, moment, officer, payload)
