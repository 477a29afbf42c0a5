"""Identity: households and residents registered, VNeID levels, e-signature certificates."""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field

from ..api import Api, Official, parallel
from ..commune import Commune, Home, Person, Village, day


@dataclass
class People:
    """What the identity service minted: pseudonymous ids for the plan's people and homes."""

    resident_ids: dict[str, str] = field(default_factory=dict)
    household_ids: dict[str, str] = field(default_factory=dict)
    vneid: Counter[str] = field(default_factory=Counter)
    resident_certificates: int = 0
    official_certificates: dict[str, str] = field(default_factory=dict)  # username → serial

    def resident(self, key: str) -> str:
        return self.resident_ids[key]


def register(identity: Api, commune: Commune) -> People:
    """Each home of each village: the household, then its members (one home at a time, as a
    household's stream is versioned), homes side by side."""
    people = People()
    homes = [(village, home) for village in commune.villages for home in village.homes]

    def one(item: tuple[Village, Home]) -> None:
        village, home = item
        household = identity.post("/households", {"village_code": village.code})
        people.household_ids[home.key] = household["household_id"]
        for person in home.members:
            personal = {
                "full_name": person.full_name,
                "national_id": person.national_id,
                "date_of_birth": person.date_of_birth.isoformat(),
                "phone": person.phone,
            }
            body = {"village_code": village.code, "household_id": household["household_id"],
                    "personal_data": personal}  # fmt: skip
            people.resident_ids[person.key] = identity.post("/residents", body)["resident_id"]

    parallel(one, homes)
    return people


def record_vneid(identity: Api, commune: Commune, people: People) -> None:
    """Levels as the commune police and the tech teams found them during the year."""
    todo = [
        (person, village)
        for village in commune.villages
        for person in village.people
        if person.vneid_level != "none"
    ]

    def one(item: tuple[Person, Village]) -> None:
        person = item[0]
        level = person.vneid_level
        changed = day(60 + zlib.crc32(person.key.encode()) % 250)
        source = "police_registration" if level == "level_2" else "population_database"
        identity.post(
            f"/residents/{people.resident(person.key)}/vneid",
            {
                "level": level,
                "changed_on": changed.isoformat(),
                "source": source,
                # Decree 69/2024: a child's account is opened at a parent's or guardian's request
                "on_request_of_guardian": person.age <= 14,
            },
        )
        people.vneid[level] += 1

    parallel(one, todo)


def issue_resident_certificates(identity: Api, commune: Commune, people: People) -> None:
    """Residents who asked for a specialised e-signature get a key pair handed over once
    (PKCS#12); the service keeps neither the key nor the password."""
    todo = [
        (village, person)
        for village in commune.villages
        for person in village.people
        if person.e_signature
    ]

    def one(item: tuple[Village, Person]) -> None:
        village, person = item
        body = {"resident_id": people.resident(person.key), "unit_path": village.path,
                "commune_code": commune.code}  # fmt: skip
        identity.post("/ca/residents/pkcs12", body)

    parallel(one, todo)
    people.resident_certificates = len(todo)


def issue_official_certificates(
    identity: Api, officials: dict[str, Official], commune: Commune, people: People
) -> None:
    """Four eyes on every signing key: the province administrator certifies the district
    officer (who signs decisions); the district officer certifies the commune officer (who signs
    proposals). Nobody issues their own."""
    district, commune_officer = officials["district"], officials["commune"]
    grants = (
        (officials["province"], district, "district-officer", None),
        (district, commune_officer, "commune-officer", commune.code),
    )
    for issuer, holder, role, commune_code in grants:
        body = {"subject": holder.subject, "username": holder.username, "role": role,
                "admin_unit": holder.admin_unit, "commune_code": commune_code}  # fmt: skip
        record = identity.as_(issuer).post("/ca/officials/certificates", body)
        people.official_certificates[holder.username] = record["serial"]
