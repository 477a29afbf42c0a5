"""The admin-unit directory shared by every service: codes to paths, checked on load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartcommune.kit.units import (
    UNITS_FILE_VARIABLE,
    AdminUnit,
    UnitDirectory,
    default_units_file,
)


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.load(default_units_file())


def test_the_repositorys_demo_file_is_found_and_loads(units: UnitDirectory) -> None:
    assert default_units_file().parts[-3:] == ("data", "admin-units", "demo.json")
    assert units.dataset == "demo"
    assert len(units) > 30
    assert "08920" in units


def test_codes_paths_ancestors_communes_and_villages(units: UnitDirectory) -> None:
    village = units.get("0892001")
    assert village is not None
    assert village.path == "VN-26/song-lo/cao-phong/thon-1"
    assert units.by_path(village.path) == village
    assert [u.code for u in units.ancestors("0892001")] == ["26", "253", "08920"]
    assert units.ancestors("26") == []
    assert units.ancestors("nope") == []
    assert len(units.communes_under("253")) == 4
    assert units.communes_under("08920") == [units.get("08920")]
    assert units.communes_under("0892001") == []
    assert units.communes_under("nope") == []
    villages = units.villages_under("08920")
    assert villages
    assert all(v.parent == "08920" and v.is_village for v in villages)
    assert [v.code for v in villages] == sorted(v.code for v in villages)
    assert len(units.villages_under("253")) == 26
    assert units.villages_under("0892001") == [village]
    assert units.commune_of("0892001") == units.get("08920")
    for code in ("08920", "26", "nope"):
        with pytest.raises(ValueError, match="no commune-level parent"):
            units.commune_of(code)


def _unit(code: str, parent: str | None, path: str, **more: Any) -> dict[str, Any]:
    kind = "province" if parent is None else "commune"
    return {"code": code, "name": "N", "slug": path.rsplit("/", 1)[-1] if parent else "p",
            "type": kind, "parent": parent, "path": path, "valid_from": "2000-01-01",
            "valid_to": None, **more}  # fmt: skip


def _write(tmp_path: Path, units: list[dict[str, Any]], **top: Any) -> Path:
    path = tmp_path / "units.json"
    body = {"schema_version": 1, "dataset": "test", "units": units, **top}
    path.write_text(json.dumps(body), "utf-8")
    return path


def test_extra_fields_of_the_scoring_service_are_kept(tmp_path: Path) -> None:
    file = _write(
        tmp_path,
        [
            _unit("26", None, "VN-26"),
            _unit(
                "08920",
                "26",
                "VN-26/a",
                group="midland",
                flags=["mountainous"],
                merged_into="08999",
                population=1200,
            ),
            _unit("08999", "26", "VN-26/b"),
        ],
        generated_by="scoring",
    )
    unit = UnitDirectory.load(file).get("08920")
    assert unit is not None
    assert (unit.group, unit.flags, unit.merged_into) == ("midland", ("mountainous",), "08999")
    assert unit.model_extra == {"population": 1200}
    plain = UnitDirectory.load(file).get("08999")
    assert plain is not None
    assert (plain.group, plain.flags, plain.merged_into) == (None, (), None)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ([_unit("26", None, "VN-26"), _unit("26", None, "VN-26")], "twice"),
        ([_unit("08920", "253", "VN-26/x")], "parent 253 is not in the file"),
        ([_unit("26", None, "VN-26"), _unit("08920", "26", "VN-26/x/y")], "path must be"),
        ([_unit("26", None, "VN-27")], "a province's path is VN-<code>"),
        ([_unit("26", None, "VN-26", valid_to="1999-01-01")], "valid_to is before"),
    ],
)
def test_inconsistent_data_fails_on_load(
    tmp_path: Path, units: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        UnitDirectory.load(_write(tmp_path, units))


def test_bad_values_are_refused_by_the_model() -> None:
    with pytest.raises(ValueError, match="code"):
        AdminUnit(code="x1", name="N", slug="a", type="province", parent=None, path="VN-26",
                  valid_from=date(2000, 1, 1), valid_to=None)  # fmt: skip


def test_the_environment_names_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = _write(tmp_path, [_unit("26", None, "VN-26")])
    monkeypatch.setenv(UNITS_FILE_VARIABLE, str(file))
    assert default_units_file() == file
    assert len(UnitDirectory.load()) == 1
