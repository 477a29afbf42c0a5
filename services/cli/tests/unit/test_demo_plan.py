"""The demo's commune: the same every run, and built so that exactly five villages qualify."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from smartcommune.cli.demo import commune as plan_module
from smartcommune.cli.demo.commune import AS_OF, START, Commune, Village, plan
from smartcommune.cli.demo.stack import new_topic_prefix
from smartcommune.cli.demo.steps.audit import command as replay_command
from smartcommune.cli.stack.config import repo_root

CRITERIA = repo_root() / "data" / "criteria-sets" / "vp-smart-village.v1.json"


@pytest.fixture(scope="module")
def commune() -> Commune:
    return plan()


def test_the_commune_is_cao_phong_with_at_least_six_villages(commune: Commune) -> None:
    assert (commune.code, commune.path) == ("08920", "VN-26/song-lo/cao-phong")
    assert len(commune.villages) >= 6
    assert all(v.code.startswith("08920") and len(v.code) == 7 for v in commune.villages)


def test_the_plan_is_deterministic(commune: Commune) -> None:
    again = plan()
    assert [p.national_id for v in again.villages for p in v.people] == [
        p.national_id for v in commune.villages for p in v.people
    ]
    assert again.dossiers == commune.dossiers


def test_national_ids_are_unique_twelve_digit_numbers(commune: Commune) -> None:
    ids = [p.national_id for v in commune.villages for p in v.people]
    assert len(ids) == len(set(ids))
    assert all(len(i) == 12 and i.isdigit() for i in ids)


def test_no_business_date_lies_in_the_future(commune: Commune) -> None:
    times = [str(v) for d in commune.dossiers for k, v in d.items() if k.endswith("_at")]
    assert max(date.fromisoformat(t[:10]) for t in times) <= AS_OF
    assert min(date.fromisoformat(t[:10]) for t in times) >= START


def _mandatory_met(village: Village) -> dict[str, bool]:
    """The mandatory indicators of the criteria file, counted on the plan (base thresholds)."""
    thresholds = {
        i["id"]: i["threshold"]["min"]
        for i in json.loads(CRITERIA.read_text())["indicators"]
        if i["mandatory"]
    }
    homes, profile = village.homes, village.profile
    working = [p for p in village.people if p.working_age]
    per_mille = {
        "households-broadband": 1000 * sum(h.has_fibre or h.has_4g for h in homes) // len(homes),
        "working-age-smartphones": 1000 * sum(p.smartphone for p in working) // len(working),
        "working-age-epayment": 1000 * sum(p.epayment for p in working) // len(working),
        "digital-skills": 1000 * sum(p.online_skills for p in working) // len(working),
        "tech-team": int(profile.team),
        "free-wifi": int(profile.team and profile.wifi),
        "security-cameras": profile.cameras if profile.team else 0,
    }
    return {key: per_mille[key] >= minimum for key, minimum in thresholds.items()}


def test_five_villages_meet_every_mandatory_indicator_and_two_do_not(commune: Commune) -> None:
    ready = [v.slug for v in commune.villages if all(_mandatory_met(v).values())]
    assert ready == ["thon-1", "thon-2", "thon-3", "thon-4", "thon-5"]
    thon_6, thon_7 = (_mandatory_met(v) for v in commune.villages if v.slug in {"thon-6", "thon-7"})
    assert not thon_6["households-broadband"]
    assert not thon_7["tech-team"]


def test_a_village_missing_from_the_profiles_is_planned_as_not_ready(tmp_path: Path) -> None:
    units = json.loads((repo_root() / "data" / "admin-units" / "demo.json").read_text())
    extra = dict(units["units"][-1], code="0892099", slug="thon-99", parent="08920")
    units["units"].append(extra)
    path = tmp_path / "units.json"
    path.write_text(json.dumps(units))

    village = next(v for v in plan(path).villages if v.code == "0892099")

    assert village.profile == plan_module.DEFAULT_PROFILE
    assert not village.profile.team


def test_each_run_gets_its_own_topic_prefix() -> None:
    first, second = new_topic_prefix(), new_topic_prefix()
    assert first != second
    assert first.startswith("demo-")
    assert first.endswith(".")


def test_the_replay_is_the_auditors_own_command_with_the_run_prefix(tmp_path: Path) -> None:
    args = replay_command("08920", "127.0.0.1:19092", "demo-1.", tmp_path)

    assert args[:4] == ["audit", "replay", "--commune", "08920"]
    assert args[args.index("--topic-prefix") + 1] == "demo-1."
    assert args[args.index("--report") + 1] == str(tmp_path / "audit-report.html")
