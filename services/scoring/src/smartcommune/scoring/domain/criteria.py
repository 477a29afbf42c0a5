"""Criteria sets (bộ tiêu chí) as versioned data: files validated by a committed JSON schema.

A set is identified by `id` + `version`; its `sha256` is the SHA-256 of the canonical JSON of
the file's content (the kit's canonical form: sorted keys, NFC, no floats), so re-indenting a
file does not change it and every decision can name exactly the set it applied.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import jsonschema  # type: ignore[import-untyped]  # no stubs; used for validate() only
from pydantic import BaseModel, ConfigDict

from smartcommune.kit.events import canonical_bytes, parse_json

from .units import REPO_ROOT

DEFAULT_CRITERIA_DIR = REPO_ROOT / "data" / "criteria-sets"
SCHEMA_FILE = "schema.json"
CRITERIA_DIR_VARIABLE = "SMARTCOMMUNE_CRITERIA_DIR"
_RELATIVE = Path("data") / "criteria-sets"


def default_criteria_dir() -> Path:
    """`$SMARTCOMMUNE_CRITERIA_DIR`, else the repository's `data/criteria-sets` (beside the
    source in a checkout, else found from the working directory upwards — an installed image
    runs in `/app` with `data/` copied in)."""
    given = os.environ.get(CRITERIA_DIR_VARIABLE)
    if given:
        return Path(given)
    if (DEFAULT_CRITERIA_DIR / SCHEMA_FILE).is_file():
        return DEFAULT_CRITERIA_DIR
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / _RELATIVE / SCHEMA_FILE).is_file():
            return folder / _RELATIVE
    return DEFAULT_CRITERIA_DIR  # missing: loading names the path that was expected


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Model):
    vi: str
    en: str


class GroupThreshold(_Model):
    group: Literal[1, 2, 3]
    min: int


class FlagThreshold(_Model):
    flag: Literal["ethnic_minority", "mountain", "island"]
    min: int


class Threshold(_Model):
    min: int
    by_group: tuple[GroupThreshold, ...] = ()
    by_flag: tuple[FlagThreshold, ...] = ()

    def applied(self, group: int | None, flags: frozenset[str]) -> tuple[int, str]:
        """The minimum for a unit and why: a flag's first, then the group's, else the default.

        Flags come first because the legal texts grant the lenient threshold to ethnic-minority,
        mountain and island communes whatever their group.
        """
        for entry in self.by_flag:
            if entry.flag in flags:
                return entry.min, f"flag:{entry.flag}"
        for by_group in self.by_group:
            if by_group.group == group:
                return by_group.min, f"group:{group}"
        return self.min, "default"


class Params(_Model):
    criteria_set: str | None = None
    #: the nested set's version; unpinned references (written when every set had one version)
    #: mean version 1, so a newer version never changes what a published set means
    criteria_set_version: int | None = None
    window_days: int | None = None


class Indicator(_Model):
    id: str
    title: Label
    numerator: str
    denominator: str | None
    params: Params = Params()
    unit: Literal["share_permille", "count"]
    threshold: Threshold
    when_empty: Literal["met", "unmet"] = "unmet"
    mandatory: bool


class Authority(_Model):
    level: Literal["district", "province", "commune"]
    role: str
    title: Label


class DecisionRule(_Model):
    all_mandatory: Literal[True]
    min_optional_met: int


class CriteriaSet(_Model):
    id: str
    version: int
    title: Label
    legal_basis: tuple[str, ...]
    issuing_body: str
    valid_from: date
    valid_to: date | None
    level: Literal["village", "commune"]
    certifying_authority: Authority
    notes: str = ""
    indicators: tuple[Indicator, ...]
    decision_rule: DecisionRule


@dataclass(frozen=True)
class LoadedSet:
    criteria: CriteriaSet
    sha256: str
    file: str

    @property
    def ref(self) -> dict[str, Any]:
        return {"id": self.criteria.id, "version": self.criteria.version, "sha256": self.sha256}


class CriteriaError(ValueError):
    pass


def content_sha256(content: Any) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def load_set(path: Path, schema: dict[str, Any]) -> LoadedSet:
    content = parse_json(path.read_bytes())  # strict: no floats, no duplicate keys
    try:
        jsonschema.validate(content, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise CriteriaError(f"{path.name}: {where}: {exc.message}") from None
    criteria = CriteriaSet.model_validate({k: v for k, v in content.items() if k != "$schema"})
    ids = [i.id for i in criteria.indicators]
    if len(ids) != len(set(ids)):
        raise CriteriaError(f"{path.name}: indicator ids are not unique")
    return LoadedSet(criteria, content_sha256(content), path.name)


class CriteriaCatalogue:
    """Every criteria set of a folder, by id and version."""

    def __init__(self, sets: list[LoadedSet]) -> None:
        self._sets: dict[tuple[str, int], LoadedSet] = {}
        for loaded in sets:
            key = (loaded.criteria.id, loaded.criteria.version)
            if key in self._sets:
                raise CriteriaError(f"{key[0]} v{key[1]} is defined twice")
            self._sets[key] = loaded

    @classmethod
    def load(cls, folder: Path | None = None) -> CriteriaCatalogue:
        folder = folder or default_criteria_dir()
        schema = json.loads((folder / SCHEMA_FILE).read_text("utf-8"))
        files = sorted(p for p in folder.glob("*.json") if p.name != SCHEMA_FILE)
        return cls([load_set(path, schema) for path in files])

    def all(self) -> list[LoadedSet]:
        return [self._sets[key] for key in sorted(self._sets)]

    def get(self, set_id: str, version: int | None = None) -> LoadedSet | None:
        if version is not None:
            return self._sets.get((set_id, version))
        versions = [v for (i, v) in self._sets if i == set_id]
        return self._sets[(set_id, max(versions))] if versions else None
