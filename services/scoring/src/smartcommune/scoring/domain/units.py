"""Administrative units (đơn vị hành chính) as master data: the file, then the changes made since.

The directory starts from the versioned file (`data/admin-units/*.json`) and applies the
service's own `admin_unit.*` events in order, so the running service and a replay see the same
hierarchy. Beyond the fields every service reads (code, name, slug, type, parent, path,
validity) a unit may carry the commune `group` (1/2/3) and `flags` that select thresholds, and
the file may list `merges` (which units became which, 2025 reform). Unknown fields are ignored
so that the file can grow without breaking this reader.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from smartcommune.kit.units import default_units_file

UnitType = Literal["province", "district", "commune", "ward", "special_zone", "village"]
Flag = Literal["ethnic_minority", "mountain", "island"]
COMMUNE_LEVEL: frozenset[str] = frozenset({"commune", "ward", "special_zone"})
#: Digits of a code by type (villages: the commune's code and two digits, a platform convention).
CODE_LENGTH = {"province": 2, "district": 3, "commune": 5, "ward": 5, "special_zone": 5,
               "village": 7}  # fmt: skip
#: Which parent each type may have: communes sit under a district before the 2025 reform and
#: directly under the province after it.
PARENT_TYPES: dict[str, frozenset[str]] = {
    "province": frozenset(),
    "district": frozenset({"province"}),
    **dict.fromkeys(("commune", "ward", "special_zone"), frozenset({"district", "province"})),
    "village": COMMUNE_LEVEL,
}
#: Repository root (services/scoring/src/smartcommune/scoring/domain → five levels up).
REPO_ROOT = Path(__file__).resolve().parents[6]
#: The repository's demo file (what `default_units_file()` gives unless overridden).
DEFAULT_UNITS_FILE = REPO_ROOT / "data" / "admin-units" / "demo.json"


class AdminUnit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str = Field(pattern=r"^[0-9]{2,7}$")
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    type: UnitType
    parent: str | None
    path: str = Field(pattern=r"^VN-[0-9A-Z]{2}(/[a-z0-9-]+)*$")
    valid_from: date
    valid_to: date | None
    group: Literal[1, 2, 3] | None = None
    flags: tuple[Flag, ...] = ()

    @field_validator("name")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)

    @field_validator("group", mode="before")
    @classmethod
    def _group_number(cls, value: object) -> object:
        """The shared file writes the group as a string ("1"), as the kit's reader types it."""
        return int(value) if isinstance(value, str) and value in ("1", "2", "3") else value

    @property
    def is_commune_level(self) -> bool:
        return self.type in COMMUNE_LEVEL

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Merge(BaseModel):
    """Units `sources` became `into` on `effective` (their facts may be rolled up into it)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,80}$")
    sources: tuple[str, ...] = Field(min_length=1, alias="from")
    into: str
    effective: date
    basis: str = ""


class UnitsFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: Literal[1]
    dataset: str
    units: list[AdminUnit]
    merges: list[Merge] = []


class UnitError(ValueError):
    """A unit or a merge breaks the directory's rules; `field` names what is at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass
class UnitDirectory:
    units: dict[str, AdminUnit] = field(default_factory=dict)
    merges: dict[str, Merge] = field(default_factory=dict)

    # ------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path | None = None) -> UnitDirectory:
        """The file `path`, else the platform's (`SMARTCOMMUNE_UNITS_FILE` or the repository's
        demo file, as every service reads it through `smartcommune.kit.units`)."""
        source = path or default_units_file()
        data = UnitsFile.model_validate(json.loads(source.read_text("utf-8")))
        return cls.of(data.units, data.merges)

    @classmethod
    def of(cls, units: Iterable[AdminUnit], merges: Iterable[Merge] = ()) -> UnitDirectory:
        directory = cls()
        for unit in units:
            if unit.code in directory.units:
                raise UnitError("code", f"unit code {unit.code} appears twice")
            directory.units[unit.code] = unit
        for unit in directory.units.values():
            directory.check(unit)
        for merge in merges:
            directory.add_merge(merge)
        return directory

    def copy(self) -> UnitDirectory:
        return UnitDirectory(dict(self.units), dict(self.merges))

    # ------------------------------------------------------------- rules
    def check(self, unit: AdminUnit) -> None:
        if not unit.name.isprintable():
            raise UnitError("name", "control characters and line breaks are not allowed")
        if len(unit.code) != CODE_LENGTH[unit.type]:
            raise UnitError("code", f"a {unit.type}'s code has {CODE_LENGTH[unit.type]} digits")
        if unit.valid_to is not None and unit.valid_to < unit.valid_from:
            raise UnitError("valid_to", f"unit {unit.code}: valid_to is before valid_from")
        if unit.parent is None:
            if unit.type != "province" or unit.path != f"VN-{unit.code}":
                raise UnitError("parent", f"unit {unit.code}: only a province has no parent")
            return
        parent = self.units.get(unit.parent)
        if parent is None:
            raise UnitError("parent", f"unit {unit.code}: parent {unit.parent} is unknown")
        if unit.path != f"{parent.path}/{unit.slug}":
            raise UnitError("path", f"unit {unit.code}: path must be {parent.path}/{unit.slug}")
        if parent.type not in PARENT_TYPES[unit.type]:
            raise UnitError("parent", f"a {unit.type} cannot be under a {parent.type}")
        if unit.type == "village" and not unit.code.startswith(parent.code):
            raise UnitError("code", "a village's code is its commune's code and two digits")

    def put(self, unit: AdminUnit) -> None:
        """Add or replace a unit after checking it (used when applying events)."""
        self.check(unit)
        self.units[unit.code] = unit

    def add_merge(self, merge: Merge) -> None:
        for code in (*merge.sources, merge.into):
            if code not in self.units:
                raise UnitError("from" if code != merge.into else "into", f"unknown unit {code}")
        if merge.into in merge.sources:
            raise UnitError("into", "a unit cannot be merged into itself")
        if any(merge.into in self.predecessors(source) for source in merge.sources):
            raise UnitError("into", "the merge would make a cycle")
        self.merges[merge.id] = merge

    # ------------------------------------------------------------- queries
    def get(self, code: str) -> AdminUnit | None:
        return self.units.get(code)

    def by_path(self, path: str) -> AdminUnit | None:
        return next((u for u in self.units.values() if u.path == path), None)

    def children(self, code: str) -> list[AdminUnit]:
        return sorted((u for u in self.units.values() if u.parent == code), key=lambda u: u.code)

    def ancestors(self, code: str) -> list[AdminUnit]:
        """The unit's parents, province first."""
        chain: list[AdminUnit] = []
        unit = self.units.get(code)
        while unit is not None and unit.parent is not None:
            unit = self.units.get(unit.parent)
            if unit is not None:
                chain.append(unit)
        return chain[::-1]

    def commune_of(self, code: str) -> AdminUnit | None:
        """The commune-level unit a unit belongs to (itself if it is one)."""
        unit = self.units.get(code)
        if unit is None:
            return None
        if unit.is_commune_level:
            return unit
        return next((a for a in reversed(self.ancestors(code)) if a.is_commune_level), None)

    def group_and_flags(self, code: str) -> tuple[int | None, frozenset[str]]:
        """A unit's group and flags: its own, else its commune's (thresholds follow the commune)."""
        unit, commune = self.units.get(code), self.commune_of(code)
        group = (unit.group if unit else None) or (commune.group if commune else None)
        flags = set(unit.flags if unit else ()) | set(commune.flags if commune else ())
        return group, frozenset(flags)

    def predecessors(self, code: str) -> set[str]:
        """Every unit merged into `code`, directly or through earlier merges."""
        found: set[str] = set()
        todo = [code]
        while todo:
            current = todo.pop()
            for merge in self.merges.values():
                if merge.into == current:
                    for source in merge.sources:
                        if source not in found and source != code:
                            found.add(source)
                            todo.append(source)
        return found

    def villages_under(self, code: str, on: date | None = None) -> list[AdminUnit]:
        """Villages of a commune-level unit (or the unit itself when it is a village)."""
        unit = self.units.get(code)
        if unit is None:
            return []
        if unit.type == "village":
            return [unit]
        prefix = unit.path + "/"
        return sorted(
            (
                u
                for u in self.units.values()
                if u.type == "village"
                and u.path.startswith(prefix)
                and (on is None or u.valid_on(on))
            ),
            key=lambda u: u.code,
        )

    def changed(self, code: str, changes: Mapping[str, Any]) -> AdminUnit:
        """The unit with `changes` applied (path recomputed), checked but not stored."""
        unit = self.units[code]
        data = {**unit.model_dump(), **changes, "code": code, "type": unit.type}
        parent = self.units.get(data["parent"]) if data.get("parent") else None
        data["path"] = f"{parent.path}/{data['slug']}" if parent else unit.path
        new = AdminUnit.model_validate(data)
        if new.path != unit.path and self.children(code):
            # Paths are what tokens and envelopes carry: a unit with children keeps its path;
            # a reorganisation creates new units and closes the old ones instead.
            raise UnitError("slug", f"unit {code} has units below it: its path cannot change")
        self.check(new)
        return new


UNIT_EVENTS = frozenset({"admin_unit.created", "admin_unit.changed", "admin_unit.merged"})


def apply_unit_event(directory: UnitDirectory, event_type: str, payload: Mapping[str, Any]) -> None:
    """Apply one `admin_unit.*` payload (as recorded, so already checked when it was decided)."""
    if event_type in ("admin_unit.created", "admin_unit.changed"):
        directory.units[payload["unit"]["code"]] = AdminUnit.model_validate(
            _thawed(payload["unit"])
        )
    elif event_type == "admin_unit.merged":
        directory.merges[payload["merge_id"]] = Merge.model_validate(
            {
                "id": payload["merge_id"],
                "from": list(payload["sources"]),
                "into": payload["into"],
                "effective": payload["effective"],
                "basis": payload.get("basis", ""),
            }
        )


def _thawed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thawed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_thawed(v) for v in value]
    return value
