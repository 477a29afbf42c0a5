"""Criteria sets are data: validated by the committed schema, hashed as canonical JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartcommune.scoring.domain.criteria import (
    DEFAULT_CRITERIA_DIR,
    CriteriaCatalogue,
    CriteriaError,
)
from smartcommune.scoring.domain.metrics import CATALOGUE
from smartcommune.scoring.entrypoints import metrics_doc


def test_the_shipped_sets_validate_and_name_only_catalogued_metrics() -> None:
    catalogue = CriteriaCatalogue.load()
    ids = {loaded.criteria.id for loaded in catalogue.all()}
    assert ids == {"criterion-8", "vp-smart-village", "vp-smart-commune"}
    for loaded in catalogue.all():
        for indicator in loaded.criteria.indicators:
            assert indicator.numerator in CATALOGUE, indicator.id
            assert indicator.denominator is None or indicator.denominator in CATALOGUE


def copy_sets(folder: Path) -> Path:
    for path in DEFAULT_CRITERIA_DIR.glob("*.json"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_the_hash_is_over_canonical_content_not_the_file_layout(tmp_path: Path) -> None:
    original = CriteriaCatalogue.load().get("vp-smart-village")
    folder = copy_sets(tmp_path)
    data = json.loads((folder / "vp-smart-village.v1.json").read_text("utf-8"))
    (folder / "vp-smart-village.v1.json").write_text(json.dumps(data, indent=7), "utf-8")
    reformatted = CriteriaCatalogue.load(folder).get("vp-smart-village")
    assert original is not None
    assert reformatted is not None
    assert reformatted.sha256 == original.sha256
    data["indicators"][0]["threshold"]["min"] = 999
    (folder / "vp-smart-village.v1.json").write_text(json.dumps(data), "utf-8")
    changed = CriteriaCatalogue.load(folder).get("vp-smart-village")
    assert changed is not None
    assert changed.sha256 != original.sha256


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["indicators"][0]["threshold"].update(min=1001), "1001"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["indicators"][1].update(unit="share_permille"), "None"),
        (lambda d: d["indicators"][0]["threshold"].update(by_group=[{"group": 4, "min": 1}]), "4"),
    ],
)
def test_a_set_breaking_the_schema_is_refused_at_load(
    tmp_path: Path, change: object, message: str
) -> None:
    folder = copy_sets(tmp_path)
    data = json.loads((folder / "vp-smart-village.v1.json").read_text("utf-8"))
    assert callable(change)
    change(data)
    (folder / "vp-smart-village.v1.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(CriteriaError, match=message):
        CriteriaCatalogue.load(folder)


def test_a_float_is_refused_because_it_has_no_canonical_form(tmp_path: Path) -> None:
    folder = copy_sets(tmp_path)
    text = (folder / "criterion-8.v1.json").read_text("utf-8")
    (folder / "criterion-8.v1.json").write_text(text.replace('"min": 500', '"min": 50.0', 1))
    with pytest.raises(ValueError, match="float"):
        CriteriaCatalogue.load(folder)


def test_the_metrics_page_is_generated_from_the_code() -> None:
    assert metrics_doc.main(["--check"]) == 0, (
        "run python -m smartcommune.scoring.entrypoints.metrics_doc"
    )
