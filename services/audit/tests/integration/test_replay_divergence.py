"""Re-evaluation with scoring's own code on the real broker: a decision whose numbers are what
the events give verifies end to end (exit 0); one recorded value changed before signing is a
divergence (exit 4), pointed at unit and indicator.

The commune is the demo master data's Cao Phong (08920) with two of its villages, so scoring's
unit directory knows it; its history is synthetic and sits on topics of a random prefix.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from smartcommune.audit.adapters.kafka_log import KafkaLog
from smartcommune.audit.application.replay import AuditResult, judge, replay
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.reports import html_report, json_report
from smartcommune.audit.synthetic.history import commune_history
from smartcommune.audit.synthetic.province import Commune, Village
from smartcommune.audit.synthetic.writer import ProvinceWriter, ensure_event_topics, relay
from smartcommune.audit.testing import copy_commune
from smartcommune.audit.testing_decisions import (
    append_decision,
    decision_payload,
    official,
    relay_ca,
    scoring_store,
    sign_as,
)
from smartcommune.identity.ca.testing import Clock, make_ca
from smartcommune.kit.events import EventEnvelope

from .conftest import PARTITIONS, unique_prefix
from .test_replay_signatures import Scene, frontier_of

pytestmark = pytest.mark.integration
scoring_replay = pytest.importorskip("smartcommune.scoring.replay")
criteria = pytest.importorskip("smartcommune.scoring.domain.criteria")

CAO_PHONG = Commune(
    "08920",
    "VN-26/song-lo/cao-phong",
    tuple(Village(f"089200{n}", f"VN-26/song-lo/cao-phong/thon-{n}") for n in (1, 2)),
)
AS_OF = date(2025, 6, 30)
SET_ID = "vp-smart-village"


@pytest.fixture(scope="module")
def cao_phong(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    prefix = unique_prefix("caophong")
    writer = ProvinceWriter(
        kafka_bootstrap, tmp_path_factory.mktemp("caophong"), prefix=prefix, partitions=PARTITIONS
    )
    try:
        writer.append(commune_history(CAO_PHONG, years=2, until=AS_OF, households=8))
        writer.publish()
    finally:
        writer.close()
    return prefix


def recomputed_indicators(bootstrap: str, prefix: str, payload: dict[str, Any]) -> list[Any]:
    """What scoring's evaluator makes of the events for the decision's units and set."""
    with KafkaLog(bootstrap, topic_prefix=prefix) as log:
        ranges = log.plan(lambda _s: [CAO_PHONG.code])
        services = {r.topic: r.service for r in ranges}
        result = judge(((services[r.position.topic], r) for r in log.read(ranges)),
                       CAO_PHONG.code, roots=[])  # fmt: skip
    events = [e.envelope for chain in result.verified_events.values() for e in chain]
    fields: dict[str, Any] = {
        "service": "scoring", "event_type": "recognition.decision_issued",
        "event_id": "01900000-0000-7000-8000-0000000000aa", "payload": payload,
    }  # fmt: skip
    decision = EventEnvelope.model_construct(**fields)
    check = scoring_replay.ReplayEvaluator().check(events, decision)
    assert check.criteria_set_ok, check.problems
    return list(check.comparisons)


class CaoPhong(Scene):
    def __init__(self, bootstrap: str, source: str, tmp: Path, name: str) -> None:
        self.bootstrap, self.commune = bootstrap, CAO_PHONG.code
        self.prefix = unique_prefix(name)  # a copy of the module's history per test
        copy_commune(bootstrap, source, self.prefix, self.commune, partitions=PARTITIONS)
        ensure_event_topics(bootstrap, ["scoring"], self.prefix, PARTITIONS)
        self.frontier = frontier_of(bootstrap, self.prefix, self.commune)
        self.frontier = [h for h in self.frontier if h["service"] != "scoring"]
        self.clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=1))
        (tmp / "ca").mkdir()
        self.ca = make_ca(tmp / "ca", clock=self.clock)
        self.root = self.ca_root(self.ca)
        self.scoring = scoring_store(tmp)

    def decision(self, number: str, change: bool) -> AuditResult:
        loaded = criteria.CriteriaCatalogue.load().get(SET_ID, 1)
        record, officer = official(self.ca, f"officer-{number.split('/')[0]}")
        units = [
            {"code": v.code, "path": v.path, "name": f"Thôn {v.code[-1]}", "meets": False,
             "indicators": [
                 {"indicator_id": i.id, "numerator": 0, "denominator": None, "threshold": 0,
                  "threshold_basis": "default", "met": False, "mandatory": i.mandatory}
                 for i in loaded.criteria.indicators
             ]}
            for v in CAO_PHONG.villages
        ]  # fmt: skip
        ref = {"id": SET_ID, "version": 1, "sha256": loaded.sha256}
        draft = decision_payload(self.commune, self.frontier, record, number=number,
                                 units=units, criteria_set=ref)  # fmt: skip
        draft["as_of"] = AS_OF.isoformat()
        truth = {(c.unit_code, c.indicator_id): c for c in
                 recomputed_indicators(self.bootstrap, self.prefix, draft)}  # fmt: skip
        for unit in draft["units"]:
            for value in unit["indicators"]:
                found = truth[(unit["code"], value["indicator_id"])]
                value["numerator"], value["denominator"] = found.recomputed_value
                value["met"] = bool(found.recomputed_met)
        if change:
            first = draft["units"][0]["indicators"][0]
            first["numerator"] += 1
        payload = sign_as(self.ca, officer, draft)
        append_decision(self.scoring, self.commune, payload, datetime.now(UTC))
        relay_ca(self.ca, self.bootstrap, self.prefix)
        relay(self.scoring, self.bootstrap, self.prefix)
        with KafkaLog(self.bootstrap, topic_prefix=self.prefix) as log:
            return replay(log, self.commune, roots=[self.root],
                          evaluator=scoring_replay.ReplayEvaluator())  # fmt: skip


def test_a_decision_that_matches_the_events_verifies_end_to_end(
    kafka_bootstrap: str, cao_phong: str, tmp_path: Path
) -> None:
    result = CaoPhong(kafka_bootstrap, cao_phong, tmp_path, "agree").decision("1/QD", False)
    (decision,) = [d for d in result.decisions if d.decision_number == "1/QD"]
    assert decision.ok, [c for c in decision.checks if not c.ok]
    assert decision.comparisons
    assert all(c.agrees for c in decision.comparisons)
    assert any(e.count > 0 for c in decision.comparisons for e in c.evidence)
    assert result.exit_code == ExitCode.VERIFIED, json.dumps(
        [(d.decision_number, [(c.name, c.detail) for c in d.checks if not c.ok])
         for d in result.decisions], ensure_ascii=False)  # fmt: skip
    # the reports explain the decision criterion by criterion, with the events behind each number
    page = html_report.render(result)
    data = json_report.as_dict(result)
    first = decision.comparisons[0]
    assert "Criterion by criterion" in page
    assert first.indicator_id in page
    assert "events, chain positions" in page
    (recorded,) = [d for d in data["decisions"] if d["decision_number"] == "1/QD"]
    assert recorded["verified"] is True
    assert recorded["comparisons"][0]["evidence"]
    html_report.write(result, tmp_path / "report.html")


def test_a_decision_with_a_value_the_events_do_not_give_is_a_divergence(
    kafka_bootstrap: str, cao_phong: str, tmp_path: Path
) -> None:
    result = CaoPhong(kafka_bootstrap, cao_phong, tmp_path, "differ").decision("2/QD", True)
    (decision,) = [d for d in result.decisions if d.decision_number == "2/QD"]
    assert result.exit_code == ExitCode.DIVERGENCE
    check = next(c for c in decision.checks if c.name == "re-evaluation")
    assert not check.ok
    assert "0892001" in check.detail
    (differing,) = [c for c in decision.comparisons if not c.agrees]
    assert differing.unit_code == "0892001"
