"""The Resident aggregate: a pseudonymous person of a village, their VNeID level and erasure.

The aggregate never sees a name or an ID number; the one personal fact a decision needs — the
date of birth, for the VNeID age rules — is handed in by the application layer after it has
decrypted it, and never stored here. State changes only through `_apply`, for new events and for
replays alike, so what is decided now and what a replay computes later cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from smartcommune.kit.events import EventPayload

from .changes import Change
from .errors import InvalidCommand, PersonalDataGone
from .events import ResidentErased, ResidentRegistered, VneidLevelChanged
from .values import ErasureBasis, VneidLevel, VneidSource
from .vneid import check_level


@dataclass
class Resident:
    id: str
    commune_code: str
    unit_path: str
    village_code: str = ""
    birth_year: int = 0
    vneid_level: VneidLevel = VneidLevel.NONE
    vneid_changed_on: date | None = None
    vneid_source: VneidSource | None = None
    erased: bool = False
    version: int = 0
    pending: list[Change] = field(default_factory=list)

    @classmethod
    def register(
        cls, resident_id: str, commune_code: str, unit_path: str, facts: ResidentRegistered,
        at: datetime,
    ) -> Resident:  # fmt: skip
        resident = cls(resident_id, commune_code, unit_path)
        resident._record(facts, at)
        return resident

    @classmethod
    def replay(
        cls, resident_id: str, commune_code: str, unit_path: str, history: list[EventPayload]
    ) -> Resident:
        if not history or not isinstance(history[0], ResidentRegistered):
            raise ValueError(f"{resident_id} does not start with resident.registered")
        resident = cls(resident_id, commune_code, unit_path)
        for payload in history:
            resident._apply(payload)
        return resident

    @property
    def stored_version(self) -> int:
        return self.version - len(self.pending)

    # ---------------------------------------------------------------- commands
    def change_vneid_level(
        self, level: VneidLevel, changed_on: date, source: VneidSource, *, born: date,
        on_request_of_guardian: bool, at: datetime,
    ) -> None:  # fmt: skip
        """`born` is the date of birth from the vault: the age rules apply on `changed_on`."""
        self._check_not_erased()
        if level is self.vneid_level:
            raise InvalidCommand("level", f"the resident already has {level}")
        if self.vneid_changed_on is not None and changed_on < self.vneid_changed_on:
            raise InvalidCommand(
                "changed_on", f"must not be before the last change, {self.vneid_changed_on}"
            )
        check_level(level, born, changed_on, on_request_of_guardian=on_request_of_guardian)
        change = VneidLevelChanged(
            level=level, previous_level=self.vneid_level, changed_on=changed_on, source=source,
            on_request_of_guardian=on_request_of_guardian,
        )  # fmt: skip
        self._record(change, at)

    def erase(self, basis: ErasureBasis, at: datetime) -> None:
        self._check_not_erased()
        self._record(ResidentErased(basis=basis), at)

    def _check_not_erased(self) -> None:
        if self.erased:
            raise PersonalDataGone(self.id)

    # ---------------------------------------------------------------- state
    def _record(self, payload: EventPayload, at: datetime) -> None:
        self._apply(payload)
        self.pending.append(Change(payload, at))

    def _apply(self, payload: EventPayload) -> None:
        match payload:
            case ResidentRegistered():
                self.village_code, self.birth_year = payload.village_code, payload.birth_year
            case VneidLevelChanged():
                self.vneid_level, self.vneid_changed_on = payload.level, payload.changed_on
                self.vneid_source = payload.source
            case ResidentErased():
                self.erased = True
            case _:
                raise ValueError(f"a resident has no event {type(payload).__name__}")
        self.version += 1
