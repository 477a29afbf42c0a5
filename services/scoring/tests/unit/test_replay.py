"""`ReplayEvaluator`: the audit's re-evaluation agrees from the events alone, ignores what came
after the frontier, and says where it cannot agree (a missing event, a changed criteria set)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.domain.criteria import DEFAULT_CRITERIA_DIR
from smartcommune.scoring.replay import ReplayEvaluator
from smartcommune.scoring.testing import Chains, VillageProfile, village_facts

from .conftest import Headers
from .test_reevaluation_and_revocation import consume

PATH = "VN-26/song-lo/cao-phong"


@pytest.fixture
def decided(
    client: TestClient, service: Service, auth: Headers
) -> tuple[Chains, list[EventEnvelope], EventEnvelope]:
    chains = Chains()
    for n in (1, 2, 3):
        consume(service, chains, village_facts("08920", f"089200{n}", f"{PATH}/thon-{n}"))
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": ["0892001", "0892002"]}
    proposal = client.post("/proposals", json=body, headers=auth("commune.officer")).json()
    issued = client.post(
        f"/proposals/{proposal['proposal_id']}/decision", json={}, headers=auth("district.officer")
    )
    assert issued.status_code == 201, issued.text
    with UnitOfWork(service.engine) as uow:
        own = service.context.store.read_chain(uow.session, "scoring", "08920")
    (decision,) = [e for e in own if e.event_type == "recognition.decision_issued"]
    return chains, own, decision


def test_later_facts_beyond_the_frontier_do_not_change_the_verdict(
    service: Service, decided: tuple[Chains, list[EventEnvelope], EventEnvelope]
) -> None:
    chains, own, decision = decided
    # facts arriving after the decision (a fourth village) lie beyond its frontier
    later = village_facts("08920", "0892004", f"{PATH}/thon-4", VillageProfile(with_epayment=1))
    consume(service, chains, later)
    check = ReplayEvaluator().check([*chains.recorded, *own], decision)
    assert check.agrees, check.problems
    assert {(h.service, h.commune_code) for h in check.frontier} == {
        ("dossiers", "08920"), ("identity", "08920"), ("payments", "08920"),
        ("techteams", "08920"), ("scoring", "08920"),
    }  # fmt: skip
    one = next(c for c in check.comparisons if c.indicator_id == "working-age-epayment")
    assert one.recorded_value == one.recomputed_value == (16, 16)
    assert {e.service for e in one.evidence} == {"identity", "payments"}


def test_a_missing_event_before_the_frontier_is_reported(
    decided: tuple[Chains, list[EventEnvelope], EventEnvelope],
) -> None:
    chains, own, decision = decided
    dropped = [e for e in chains.recorded if not (e.service == "payments" and e.chain_seq == 3)]
    check = ReplayEvaluator().check([*dropped, *own], decision)
    assert not check.agrees
    assert any("payments/08920" in p and "missing" in p for p in check.problems)


def test_a_changed_criteria_set_file_is_reported(
    tmp_path: Path, decided: tuple[Chains, list[EventEnvelope], EventEnvelope]
) -> None:
    chains, own, decision = decided
    folder = tmp_path / "criteria"
    shutil.copytree(DEFAULT_CRITERIA_DIR, folder)
    path = folder / "vp-smart-village.v1.json"
    data = json.loads(path.read_text("utf-8"))
    data["decision_rule"]["min_optional_met"] = 0
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    check = ReplayEvaluator(criteria_dir=folder).check([*chains.recorded, *own], decision)
    assert not check.criteria_set_ok
    assert not check.agrees
