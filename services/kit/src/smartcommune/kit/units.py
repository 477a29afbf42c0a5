"""The administrative-unit directory, loaded from the platform's versioned data file
(`data/admin-units/*.json`).

Requests name units by *code*; the directory turns a code into the unit's path, which is what
authorisation and the event envelope use. Paths are therefore derived here and never taken from
a client. The file's rules (unique codes, parents present, path = parent path + slug, a
province's path is `VN-<code>`, `valid_to` not before `valid_from`) are checked on load, so a
bad data commit fails at start-up rather than mis-scoping a request.

Fields beyond the core ones are tolerated and kept: `group`, `flags` and `merged_into` are
typed (the scoring service's additions), anything else stays in `AdminUnit.model_extra`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "COMMUNE_LEVEL",
    "UNITS_FILE_VARIABLE",
    "AdminUnit",
    "UnitDirectory",
    "UnitType",
    "default_units_file",
]

UnitType = Literal["province", "district", "commune", "ward", "village"]
COMMUNE_LEVEL: frozenset[str] = frozenset({"commune", "ward"})
#: Overrides the data file every service reads (a service's own `..._UNITS_FILE` wins over it).
UNITS_FILE_VARIABLE = "SMARTCOMMUNE_UNITS_FILE"
_RELATIVE = Path("data") / "admin-units" / "demo.json"


def default_units_file() -> Path:
    """`$SMARTCOMMUNE_UNITS_FILE`, else the repository's `data/admin-units/demo.json` (found
    from this source file, then from the working directory upwards)."""
    given = os.environ.get(UNITS_FILE_VARIABLE)
    if given:
        return Path(given)
    # services/kit/src/smartcommune/kit/units.py → the repository's root
    beside_source = Path(__file__).resolve().parents[5] / _RELATIVE
    if beside_source.is_file():
        return beside_source
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / _RELATIVE).is_file():
            return folder / _RELATIVE
    return beside_source  # missing: loading it names the path that was expected


class AdminUnit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    code: str = Field(pattern=r"^[0-9]{2,7}$")
    name: str = Field(min_length=1)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    type: UnitType
    parent: str | None
    path: str = Field(pattern=r"^VN-[0-9A-Z]{2}(/[a-z0-9-]+)*$")
    valid_from: date
    valid_to: date | None
    #: Optional, for the scoring service: a grouping of units (e.g. a criteria group).
    group: str | None = None
    #: Optional labels (e.g. `mountainous`, `ethnic-minority`).
    flags: tuple[str, ...] = ()
    #: Optional: the code of the unit this one was merged into (after a reform).
    merged_into: str | None = None

    @property
    def is_commune_level(self) -> bool:
        return self.type in COMMUNE_LEVEL

    @property
    def is_village(self) -> bool:
        return self.type == "village"


class _UnitsFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    schema_version: Literal[1]
    dataset: str
    note: str = ""
    units: list[AdminUnit]


class UnitDirectory:
    """Every unit of one data file, by code and by path, with its consistency checked."""

    def __init__(self, units: Iterable[AdminUnit], dataset: str = "") -> None:
        self.dataset = dataset
        self._by_code: dict[str, AdminUnit] = {}
        for unit in units:
            if unit.code in self._by_code:
                raise ValueError(f"unit code {unit.code} appears twice")
            self._by_code[unit.code] = unit
        self._by_path = {unit.path: unit for unit in self._by_code.values()}
        for unit in self._by_code.values():
            self._check(unit)

    @classmethod
    def load(cls, path: Path | None = None) -> UnitDirectory:
        """The directory of `path` (default: :func:`default_units_file`)."""
        source = path if path is not None else default_units_file()
        data = _UnitsFile.model_validate(json.loads(source.read_text("utf-8")))
        return cls(data.units, dataset=data.dataset)

    def _check(self, unit: AdminUnit) -> None:
        if unit.valid_to is not None and unit.valid_to < unit.valid_from:
            raise ValueError(f"unit {unit.code}: valid_to is before valid_from")
        if unit.parent is None:
            if unit.path != f"VN-{unit.code}":
                raise ValueError(f"unit {unit.code}: a province's path is VN-<code>")
            return
        parent = self._by_code.get(unit.parent)
        if parent is None:
            raise ValueError(f"unit {unit.code}: parent {unit.parent} is not in the file")
        if unit.path != f"{parent.path}/{unit.slug}":
            raise ValueError(f"unit {unit.code}: path must be {parent.path}/{unit.slug}")

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def all(self) -> list[AdminUnit]:
        """Every unit, by code."""
        return sorted(self._by_code.values(), key=lambda unit: unit.code)

    def get(self, code: str) -> AdminUnit | None:
        return self._by_code.get(code)

    def by_path(self, path: str) -> AdminUnit | None:
        return self._by_path.get(path)

    def ancestors(self, code: str) -> list[AdminUnit]:
        """The unit's parents, province first; empty for a province or an unknown code."""
        chain: list[AdminUnit] = []
        unit = self._by_code.get(code)
        while unit is not None and unit.parent is not None:
            unit = self._by_code[unit.parent]
            chain.append(unit)
        return chain[::-1]

    def _subtree(self, code: str) -> list[AdminUnit]:
        """The unit and every unit below it, by code; empty for an unknown code."""
        root = self._by_code.get(code)
        if root is None:
            return []
        prefix = root.path + "/"
        return sorted(
            (u for u in self._by_code.values() if u is root or u.path.startswith(prefix)),
            key=lambda unit: unit.code,
        )

    def communes_under(self, code: str) -> list[AdminUnit]:
        """The commune-level units in the subtree of `code` (itself when it is one), by code."""
        return [unit for unit in self._subtree(code) if unit.is_commune_level]

    def villages_under(self, code: str) -> list[AdminUnit]:
        """The villages in the subtree of `code` (itself when it is one), by code."""
        return [unit for unit in self._subtree(code) if unit.is_village]

    def commune_of(self, village_code: str) -> AdminUnit:
        """The commune-level unit a village belongs to (its parent, by the file's rules).

        Raises ValueError for an unknown code or a unit whose parent is not commune-level.
        """
        village = self._by_code.get(village_code)
        parent = self._by_code.get(village.parent or "") if village else None
        if parent is None or not parent.is_commune_level:
            raise ValueError(f"village {village_code} has no commune-level parent")
        return parent
