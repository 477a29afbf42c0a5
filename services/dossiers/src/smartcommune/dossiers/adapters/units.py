"""The administrative-unit directory, loaded from a versioned data file (`data/admin-units/`).

Requests name units by *code*; the directory turns a code into the unit's path, which is what
authorisation and the event envelope use. Paths are therefore derived here and never taken from
a client. The file's rules (unique codes, parents present, path = parent path + slug) are
checked on load, so a bad data commit fails at start-up rather than mis-scoping a request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UnitType = Literal["province", "district", "commune", "ward", "village"]
COMMUNE_LEVEL: frozenset[str] = frozenset({"commune", "ward"})


class AdminUnit(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[0-9]{2,7}$")
    name: str = Field(min_length=1)
    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    type: UnitType
    parent: str | None
    path: str = Field(pattern=r"^VN-[0-9A-Z]{2}(/[a-z0-9-]+)*$")
    valid_from: date
    valid_to: date | None

    @property
    def is_commune_level(self) -> bool:
        return self.type in COMMUNE_LEVEL


class _UnitsFile(BaseModel):
    schema_version: Literal[1]
    dataset: str
    note: str = ""
    units: list[AdminUnit]


class UnitDirectory:
    def __init__(self, units: Iterable[AdminUnit]) -> None:
        self._by_code: dict[str, AdminUnit] = {}
        for unit in units:
            if unit.code in self._by_code:
                raise ValueError(f"unit code {unit.code} appears twice")
            self._by_code[unit.code] = unit
        self._by_path = {unit.path: unit for unit in self._by_code.values()}
        for unit in self._by_code.values():
            self._check(unit)

    @classmethod
    def load(cls, path: Path) -> UnitDirectory:
        return cls(_UnitsFile.model_validate(json.loads(path.read_text("utf-8"))).units)

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

    def communes_under(self, code: str) -> list[AdminUnit]:
        """The commune-level units in the subtree of `code` (itself when it is one)."""
        root = self._by_code.get(code)
        if root is None:
            return []
        prefix = root.path + "/"
        return sorted(
            (
                unit
                for unit in self._by_code.values()
                if unit.is_commune_level and (unit is root or unit.path.startswith(prefix))
            ),
            key=lambda unit: unit.code,
        )
