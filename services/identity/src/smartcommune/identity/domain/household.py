"""The Household aggregate: a household of one village and the residents who belong to it.

What a household can check on its own — no resident twice, a size limit — it checks here; what
needs other aggregates (is the resident of this village, already in another household, erased)
the application layer checks from the read model before asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from smartcommune.kit.events import EventPayload

from .changes import Change
from .errors import InvalidCommand
from .events import HouseholdMemberAdded, HouseholdRegistered

MAX_MEMBERS = 100


@dataclass
class Household:
    id: str
    commune_code: str
    unit_path: str
    village_code: str = ""
    member_ids: list[str] = field(default_factory=list)
    version: int = 0
    pending: list[Change] = field(default_factory=list)

    @classmethod
    def register(
        cls, household_id: str, commune_code: str, unit_path: str, village_code: str,
        member_ids: list[str], at: datetime,
    ) -> Household:  # fmt: skip
        if len(set(member_ids)) != len(member_ids):
            raise InvalidCommand("member_ids", "lists a resident more than once")
        household = cls(household_id, commune_code, unit_path)
        facts = HouseholdRegistered(village_code=village_code, member_ids=tuple(member_ids))
        household._record(facts, at)
        return household

    @classmethod
    def replay(
        cls, household_id: str, commune_code: str, unit_path: str, history: list[EventPayload]
    ) -> Household:
        if not history or not isinstance(history[0], HouseholdRegistered):
            raise ValueError(f"{household_id} does not start with household.registered")
        household = cls(household_id, commune_code, unit_path)
        for payload in history:
            household._apply(payload)
        return household

    @property
    def stored_version(self) -> int:
        return self.version - len(self.pending)

    def add_member(self, resident_id: str, at: datetime) -> None:
        if resident_id in self.member_ids:
            raise InvalidCommand("resident_id", "is already a member of this household")
        if len(self.member_ids) >= MAX_MEMBERS:
            raise InvalidCommand("resident_id", f"a household has at most {MAX_MEMBERS} members")
        self._record(HouseholdMemberAdded(resident_id=resident_id), at)

    def _record(self, payload: EventPayload, at: datetime) -> None:
        self._apply(payload)
        self.pending.append(Change(payload, at))

    def _apply(self, payload: EventPayload) -> None:
        match payload:
            case HouseholdRegistered():
                self.village_code, self.member_ids = payload.village_code, list(payload.member_ids)
            case HouseholdMemberAdded():
                self.member_ids.append(payload.resident_id)
            case _:
                raise ValueError(f"a household has no event {type(payload).__name__}")
        self.version += 1
