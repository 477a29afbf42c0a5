"""The commune the demo plays: Cao Phong (08920), its villages, people and a year of facts.

Modelled on the press facts in DOMAIN.md: a commune of the former Sông Lô district where five
villages were recognised as smart villages in one decision at the end of 2024 — in those,
every household has fibre or 4G, there are several road security cameras, most working-age
people have online skills, and every resident has an e-health record. The other villages are
on their way: one still has a household off the network and a single camera, one has no
community digital-technology team yet.

Everything is generated from fixed seeds, so every run records the same commune (with fresh
random identifiers minted by the services). Personal data here is invented; it goes only to the
identity service, which encrypts it — events carry pseudonymous ids.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..stack.config import repo_root

COMMUNE_CODE = "08920"
VIETNAM = timezone(timedelta(hours=7), "ICT")
#: the day the facts are counted to and the recognition is decided on: today, as the services
#: count (their clock; they refuse business dates in the future and tasks due in the past)
AS_OF = datetime.now(VIETNAM).date()
#: the scenario's year is the twelve months before it
START = AS_OF - timedelta(days=365)


def day(offset: int) -> date:
    """The day `offset` days into the scenario's year (0 … 365 = today)."""
    return START + timedelta(days=min(offset, 365))


SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam",
         "Phong", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Vân", "Yến")  # fmt: skip
PROVIDERS = (("bank", "VCB"), ("bank", "Agribank"), ("bank", "VietinBank"), ("e_wallet", "MoMo"),
             ("mobile_money", "Viettel Money"))  # fmt: skip


@dataclass(frozen=True)
class VillageProfile:
    """How far a village has come; shares are per-mille of the people they apply to."""

    households: int = 8
    offline_households: int = 0
    team: bool = True
    cameras: int = 3
    wifi: bool = True
    social_channel: bool = True
    e_health: bool = True
    production_model: bool = True
    smartphone: int = 900
    online_skills: int = 800
    epayment: int = 850
    vneid_level_2: int = 550
    e_signature: int = 300
    digital_address: bool = True
    merchants_qr: tuple[bool, ...] = (True, True, False)
    note: str = ""


#: village slug → profile; five are ready, two are not (and say why)
PROFILES: dict[str, VillageProfile] = {
    "thon-1": VillageProfile(cameras=3),
    "thon-2": VillageProfile(cameras=2, production_model=False),
    "thon-3": VillageProfile(cameras=4, vneid_level_2=450),
    "thon-4": VillageProfile(cameras=2, merchants_qr=(True, True)),
    "thon-5": VillageProfile(cameras=3, social_channel=False),
    "thon-6": VillageProfile(
        offline_households=1, cameras=1, digital_address=False,
        note="one household still off the network; a single road camera",
    ),
    "thon-7": VillageProfile(
        team=False, epayment=400, smartphone=700, online_skills=500, vneid_level_2=300,
        production_model=False, e_health=False,
        note="no community digital-technology team yet; few e-payment accounts",
    ),
}  # fmt: skip
DEFAULT_PROFILE = VillageProfile(team=False, cameras=0, note="not surveyed in the demo")


@dataclass(frozen=True)
class Person:
    key: str
    full_name: str
    national_id: str
    date_of_birth: date
    phone: str | None
    vneid_level: str  # none, level_1, level_2
    epayment: bool
    smartphone: bool
    online_skills: bool
    e_signature: bool

    @property
    def age(self) -> int:
        return AS_OF.year - self.date_of_birth.year

    @property
    def working_age(self) -> bool:
        return 15 <= self.age <= 60


@dataclass(frozen=True)
class Home:
    key: str
    members: tuple[Person, ...]
    has_fibre: bool
    has_4g: bool
    digital_address: bool


@dataclass(frozen=True)
class Village:
    code: str
    slug: str
    name: str
    path: str
    profile: VillageProfile
    homes: tuple[Home, ...]

    @property
    def people(self) -> list[Person]:
        return [p for home in self.homes for p in home.members]


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    path: str
    district_path: str
    villages: tuple[Village, ...]
    dossiers: list[dict[str, object]] = field(default_factory=list)


def load_units(path: Path | None = None) -> list[dict[str, object]]:
    data = json.loads((path or repo_root() / "data" / "admin-units" / "demo.json").read_text())
    return list(data["units"])


def plan(units_file: Path | None = None) -> Commune:
    """The whole commune, deterministic: same seeds, same people, same year of dossiers."""
    units = load_units(units_file)
    commune = next(u for u in units if u["code"] == COMMUNE_CODE)
    district = next(u for u in units if u["code"] == commune["parent"])
    rows = sorted(
        (u for u in units if u["parent"] == COMMUNE_CODE and u["type"] == "village"),
        key=lambda u: str(u["code"]),
    )
    ids = iter(range(1, 10**6))
    villages = tuple(_village(row, next_id=lambda: next(ids)) for row in rows)
    result = Commune(
        code=COMMUNE_CODE, name=str(commune["name"]), path=str(commune["path"]),
        district_path=str(district["path"]), villages=villages,
    )  # fmt: skip
    result.dossiers.extend(year_of_dossiers(result))
    return result


def _village(row: dict[str, object], next_id: Callable[[], int]) -> Village:
    slug, code = str(row["slug"]), str(row["code"])
    profile = PROFILES.get(slug, DEFAULT_PROFILE)
    rng = random.Random(f"demo-{code}")  # noqa: S311 - demo data, not security
    new_id = next_id  # a shared counter keeps national ids unique across villages
    people_plans: list[list[tuple[str, date]]] = []
    for h in range(profile.households):
        family = [
            (f"{code}-{h}-a", _born(rng, 28, 56)),
            (f"{code}-{h}-b", _born(rng, 26, 54)),
        ]
        family += [(f"{code}-{h}-c{i}", _born(rng, 3, 16)) for i in range(rng.randint(0, 2))]
        if rng.random() < 0.4:
            family.append((f"{code}-{h}-e", _born(rng, 64, 84)))
        people_plans.append(family)
    flat = [(key, born) for family in people_plans for key, born in family]
    # 15+ by year is 14+ on any day of the year: level 2 without a guardian's request
    adults = [key for key, born in flat if AS_OF.year - born.year >= 15]
    of_age = [key for key, born in flat if AS_OF.year - born.year >= 18]
    working = [key for key, born in flat if 15 <= AS_OF.year - born.year <= 60]
    picks = {
        "epayment": _pick(rng, working, profile.epayment),
        "smartphone": _pick(rng, working, profile.smartphone),
        "online_skills": _pick(rng, working, profile.online_skills),
        "vneid": _pick(rng, adults, profile.vneid_level_2),
        "e_signature": _pick(rng, of_age, profile.e_signature),
    }
    homes: list[Home] = []
    for h, family in enumerate(people_plans):
        members = tuple(_person(rng, key, born, picks, new_id) for key, born in family)
        offline = h < profile.offline_households
        homes.append(Home(
            key=f"{code}-{h}", members=members, has_fibre=not offline and h % 3 != 2,
            has_4g=not offline, digital_address=profile.digital_address or h % 2 == 0,
        ))  # fmt: skip
    return Village(code, slug, str(row["name"]), str(row["path"]), profile, tuple(homes))


def _born(rng: random.Random, youngest: int, oldest: int) -> date:
    """A birthday of someone aged `youngest` to `oldest` (by year) on `AS_OF`."""
    year = AS_OF.year - rng.randint(youngest, oldest)
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


def _pick(rng: random.Random, keys: list[str], permille: int) -> set[str]:
    """Exactly round(share × n) of `keys`, chosen by the village's own dice."""
    count = (len(keys) * permille + 500) // 1000
    return set(rng.sample(keys, count))


def _person(
    rng: random.Random, key: str, born: date, picks: dict[str, set[str]], next_id: Callable[[], int]
) -> Person:
    age = AS_OF.year - born.year
    female = rng.random() < 0.5
    middle = "Thị" if female else rng.choice([m for m in MIDDLE if m != "Thị"])
    name = f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}"
    century = (0 if born.year < 2000 else 2) + (1 if female else 0)
    serial = next_id()
    national_id = f"026{century}{born.year % 100:02d}{serial:06d}"
    if age >= 15:
        level = "level_2" if key in picks["vneid"] else "level_1"
    else:
        level = "level_1" if age >= 6 or rng.random() < 0.5 else "none"
    phone = f"09{rng.randint(10_000_000, 99_999_999)}" if age >= 15 else None
    return Person(
        key=key, full_name=name, national_id=national_id, date_of_birth=born, phone=phone,
        vneid_level=level, epayment=key in picks["epayment"],
        smartphone=key in picks["smartphone"], online_skills=key in picks["online_skills"],
        e_signature=key in picks["e_signature"],
    )  # fmt: skip


# ---------------------------------------------------------------------- dossiers
PROCEDURES = (
    ("1.001193", "Đăng ký khai sinh", 0),
    ("1.000894", "Đăng ký kết hôn", 0),
    ("1.004227", "Xác nhận tình trạng hôn nhân", 0),
    ("2.000908", "Chứng thực bản sao từ bản chính", 10_000),
    ("1.003583", "Đăng ký khai tử", 0),
    ("1.001022", "Chứng thực chữ ký", 10_000),
)
RECEIVING_UNIT = "Bộ phận một cửa UBND xã Cao Phong"


def year_of_dossiers(commune: Commune) -> list[dict[str, object]]:
    """A year of the one-stop shop's dossiers, as its export would list them (for `/imports`).

    About four in five are submitted online; nearly all are resolved on time, a few after a
    supplement request or an extension with apology, one or two refused; most are rated.
    Applicants are the villages' residents, by pseudonymous reference (filled in later).
    """
    rng = random.Random(f"demo-dossiers-08920-{AS_OF.year}")  # noqa: S311 - demo data
    records: list[dict[str, object]] = []
    number = 0
    for village in commune.villages:
        for _ in range(18):
            number += 1
            records.append(_dossier(rng, number, village.code))
    for _ in range(36):  # internal work records of the commune's offices
        number += 1
        records.append(_work_record(rng, number))
    return records


def _moment(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, 15).isoformat()


def _dossier(rng: random.Random, number: int, village_code: str) -> dict[str, object]:
    code, name, fee = rng.choice(PROCEDURES)
    submitted = day(rng.randint(0, 320))
    roll = rng.random()
    channel = "full_online" if roll < 0.55 else "partial_online" if roll < 0.82 else "in_person"
    record: dict[str, object] = {
        "dossier_number": f"H62.08920-{submitted:%y%m%d}-{number:04d}",
        "procedure_code": code, "procedure_name": name, "channel": channel,
        "receiving_unit": RECEIVING_UNIT, "fee_vnd": fee, "applicant_type": "citizen",
        "applicant_home_commune": COMMUNE_CODE, "applicant_village": village_code,
        "submitted_at": _moment(submitted, 8),
    }  # fmt: skip
    if rng.random() < 0.03:
        record |= {
            "refused_at": _moment(submitted, 10),
            "refusal_reason": "Hồ sơ không thuộc thẩm quyền của xã",
        }
        return record
    due = submitted + timedelta(days=rng.choice((3, 5, 7)))
    record |= {"received_at": _moment(submitted, 9), "appointment_date": due.isoformat(),
               "processing_started_at": _moment(submitted, 14)}  # fmt: skip
    done = submitted + timedelta(days=rng.randint(1, (due - submitted).days))
    if rng.random() < 0.08:
        record |= {"supplement_requested_at": _moment(submitted + timedelta(days=1), 10),
                   "supplement_reason": "Bổ sung bản sao giấy tờ tuỳ thân",
                   "supplemented_at": _moment(submitted + timedelta(days=1), 16)}  # fmt: skip
        done = max(done, submitted + timedelta(days=2))
    if rng.random() < 0.05:
        late = due + timedelta(days=3)
        record |= {"extended_at": _moment(due, 8), "extended_due_date": late.isoformat(),
                   "extension_reason": "Cần xác minh thêm thông tin",
                   "apology": "Thư xin lỗi số 12/TXL-UBND"}  # fmt: skip
        done = late
    if rng.random() < 0.04:
        done = due + timedelta(days=2)  # late: resolved after the due date
    record |= {"resolved_at": _moment(done, 15), "result_returned_at": _moment(done, 16)}
    if rng.random() < 0.7:
        satisfaction = "very_satisfied" if rng.random() < 0.6 else "satisfied"
        record |= {"rated_at": _moment(done, 17), "satisfaction": satisfaction}
    return record


def _work_record(rng: random.Random, number: int) -> dict[str, object]:
    opened = day(rng.randint(0, 330))
    online = rng.random() < 0.7
    closed = opened + timedelta(days=rng.randint(1, 6))
    due = (opened + timedelta(days=7)).isoformat()
    return {
        "dossier_number": f"VB.08920-{opened:%y%m%d}-{number:04d}", "kind": "work_record",
        "procedure_name": "Xử lý văn bản đến", "channel": "full_online" if online else "in_person",
        "receiving_unit": "Văn phòng HĐND-UBND xã", "submitted_at": _moment(opened, 8),
        "handling_department": rng.choice(("Văn phòng - Thống kê", "Tư pháp - Hộ tịch",
                                           "Địa chính - Xây dựng")),
        "received_at": _moment(opened, 9), "appointment_date": due,
        "processing_started_at": _moment(opened, 10), "resolved_at": _moment(closed, 15),
    }  # fmt: skip
