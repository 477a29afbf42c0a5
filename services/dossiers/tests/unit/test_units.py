"""The unit directory: codes to paths from the versioned data file, checked on load."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from smartcommune.kit.units import AdminUnit, UnitDirectory, default_units_file


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.load(default_units_file())


def test_codes_give_paths_and_ancestors(units: UnitDirectory) -> None:
    village = units.get("0892001")
    assert village is not None
    assert village.path == "VN-26/song-lo/cao-phong/thon-1"
    assert [u.code for u in units.ancestors("0892001")] == ["26", "253", "08920"]
    assert units.by_path("VN-26/song-lo/lang-cong") == units.get("08923")
    assert [u.slug for u in units.communes_under("253")][:2] == ["cao-phong", "lang-cong"]
    assert units.communes_under("08920") == [units.get("08920")]


def test_the_demo_file_is_nfc_and_records_the_2025_reform(units: UnitDirectory) -> None:
    province = units.get("26")
    assert province is not None
    assert province.valid_to == date(2025, 6, 30)
    for code in ("26", "253", "08920", "0892001"):
        unit = units.get(code)
        assert unit is not None
        assert unicodedata.is_normalized("NFC", unit.name)
    assert len([u for u in units.communes_under("253")]) == 4


def _unit(code: str, parent: str | None, path: str, slug: str = "x") -> AdminUnit:
    kind = "province" if parent is None else "commune"
    return AdminUnit(code=code, name="N", slug=slug, type=kind, parent=parent, path=path,
                     valid_from=date(2000, 1, 1), valid_to=None)  # fmt: skip


def test_inconsistent_data_fails_on_load() -> None:
    with pytest.raises(ValueError, match="twice"):
        UnitDirectory([_unit("26", None, "VN-26"), _unit("26", None, "VN-26")])
    with pytest.raises(ValueError, match="parent"):
        UnitDirectory([_unit("08920", "253", "VN-26/x")])
    with pytest.raises(ValueError, match="path must be"):
        UnitDirectory([_unit("26", None, "VN-26"), _unit("08920", "26", "VN-26/y")])
