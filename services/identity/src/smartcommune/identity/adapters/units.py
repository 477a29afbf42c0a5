"""The administrative-unit directory, read from the platform's data file (`data/admin-units/`).

Requests name villages by *code*; the directory gives the village's path and its commune, which
is what authorisation and the event envelope use — never a path sent by a client. This is a
deliberately small copy of the dossiers service's directory (services do not import each other);
the shared loader belongs in the kit (see the README).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UnitType = Literal["province", "district", "commune", "ward", "village"]


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


class _UnitsFile(BaseModel):
    schema_version: Literal[1]
    dataset: str
    note: str = ""
    units: list[AdminUnit]


class UnitDirectory:
    def __init__(self, units: list[AdminUnit]) -> None:
        self._by_code = {unit.code: unit for unit in units}
        if len(self._by_code) != len(units):
            raise ValueError("a unit code appears twice in the directory")
        for unit in units:
            parent = self._by_code.get(unit.parent) if unit.parent else None
            expected = f"{parent.path}/{unit.slug}" if parent else f"VN-{unit.code}"
            if unit.path != expected:
                raise ValueError(f"unit {unit.code}: path must be {expected}")

    @classmethod
    def load(cls, path: Path) -> UnitDirectory:
        return cls(_UnitsFile.model_validate(json.loads(path.read_text("utf-8"))).units)

    def get(self, code: str) -> AdminUnit | None:
        return self._by_code.get(code)

    def commune_of(self, village_code: str) -> AdminUnit:
        """The commune-level unit a village belongs to (its parent, by the file's rules)."""
        village = self._by_code.get(village_code)
        parent = self._by_code.get(village.parent or "") if village else None
        if parent is None or parent.type not in ("commune", "ward"):
            raise ValueError(f"village {village_code} has no commune-level parent")
        return parent
