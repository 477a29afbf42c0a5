"""Decisions on the real broker: signatures, certificate chains and revocation at signing time.

Each test copies the clean commune to fresh topics, relays a real CA's certificate events onto
identity's topic and appends a decision (scoring's payload model) to scoring's topic with the
kit. The decisions' numbers are not scoring-made, so re-evaluation may disagree (exit 4 or 7);
what is asserted is the signature verdict, which outranks both.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from smartcommune.audit.adapters.kafka_log import KafkaLog
from smartcommune.audit.application.evaluation import EvaluatorUnavailableError, load_evaluator
from smartcommune.audit.application.replay import AuditResult, replay
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.synthetic.writer import ensure_event_topics, relay
from smartcommune.audit.testing import copy_commune, read_commune
from smartcommune.audit.testing_decisions import (
    append_decision,
    decision_payload,
    official,
    relay_ca,
    scoring_store,
    sign_as,
    sign_with_key,
)
from smartcommune.identity.ca import revocation
from smartcommune.identity.ca.domain import RevocationReason
from smartcommune.identity.ca.testing import Clock, make_ca, person
from smartcommune.kit.auth import PROVINCE_ADMIN

from .conftest import PARTITIONS, History, unique_prefix

pytestmark = pytest.mark.integration


def frontier_of(bootstrap: str, prefix: str, commune: str) -> list[dict[str, Any]]:
    heads = []
    for service, records in read_commune(bootstrap, prefix, commune).items():
        last = json.loads(records[-1][1])
        heads.append(
            {"service": service, "commune_code": commune, "chain_seq": last["chain_seq"],
             "hash": last["hash"]}
        )  # fmt: skip
    return heads


class Scene:
    def __init__(self, history: History, tmp: Path, name: str) -> None:
        self.history, self.commune = history, history.communes[0]
        self.prefix = unique_prefix(name)
        copy_commune(history.bootstrap, history.prefix, self.prefix, self.commune,
                     partitions=PARTITIONS)  # fmt: skip
        ensure_event_topics(history.bootstrap, ["scoring"], self.prefix, PARTITIONS)
        self.frontier = frontier_of(history.bootstrap, self.prefix, self.commune)
        self.clock = Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=1))
        (tmp / "ca").mkdir()
        self.ca = make_ca(tmp / "ca", clock=self.clock)
        self.root = self.ca_root(self.ca)
        self.scoring = scoring_store(tmp)

    @staticmethod
    def ca_root(ca: Any) -> Any:
        with ca.unit_of_work(read_only=True) as uow:
            _, root = ca.authorities(uow)
        return root.certificate

    def publish(self, payload: dict[str, Any]) -> AuditResult:
        append_decision(self.scoring, self.commune, payload, datetime.now(UTC))
        relay_ca(self.ca, self.history.bootstrap, self.prefix)
        relay(self.scoring, self.history.bootstrap, self.prefix)
        with KafkaLog(self.history.bootstrap, topic_prefix=self.prefix) as log:
            return replay(log, self.commune, roots=[self.root], evaluator=evaluator())


def evaluator() -> Any:
    try:
        return load_evaluator()
    except EvaluatorUnavailableError:
        return None


def signature_checks(result: AuditResult) -> dict[str, Any]:
    (decision,) = result.decisions
    return {c.name: c for c in decision.checks if c.code == ExitCode.SIGNATURE}


def test_a_decision_signed_through_the_signing_service_verifies(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "signed")
    record, officer = official(scene.ca, "district.officer")
    payload = sign_as(scene.ca, officer, decision_payload(scene.commune, scene.frontier, record))
    result = scene.publish(payload)
    assert not result.findings
    checks = signature_checks(result)
    assert all(c.ok for c in checks.values()), checks
    assert {"CMS signature", "certificate chain", "issued by the platform CA",
            "not revoked at signing time"} <= checks.keys()  # fmt: skip
    (decision,) = result.decisions
    frontier = next(c for c in decision.checks if c.name == "evidence frontier")
    assert frontier.ok, frontier
    assert result.exit_code != ExitCode.SIGNATURE
    assert decision.signer["serial"] == record.serial


def test_a_decision_signed_after_its_certificate_was_revoked_fails(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "revoked")
    record, _ = official(scene.ca, "district.officer")
    scene.clock.advance(hours=1)
    admin = person("province.admin", PROVINCE_ADMIN, "VN-26")
    revocation.revoke(scene.ca, admin, record.serial, RevocationReason.KEY_COMPROMISE)
    payload = sign_with_key(
        scene.ca, record, decision_payload(scene.commune, scene.frontier, record)
    )
    result = scene.publish(payload)
    assert result.exit_code == ExitCode.SIGNATURE
    check = signature_checks(result)["not revoked at signing time"]
    assert not check.ok
    assert "revoked at" in check.detail


def test_a_revocation_after_signing_leaves_the_signature_valid(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "revokedlater")
    record, officer = official(scene.ca, "district.officer")
    payload = sign_as(scene.ca, officer, decision_payload(scene.commune, scene.frontier, record))
    scene.clock.advance(days=2)  # now an hour or so in the future: after the signature
    admin = person("province.admin", PROVINCE_ADMIN, "VN-26")
    revocation.revoke(scene.ca, admin, record.serial, RevocationReason.AFFILIATION_CHANGED)
    result = scene.publish(payload)
    check = signature_checks(result)["not revoked at signing time"]
    assert check.ok
    assert "revoked later" in check.detail


def test_a_decision_signed_by_a_foreign_ca_fails(history: History, tmp_path: Path) -> None:
    scene = Scene(history, tmp_path, "foreignca")
    (tmp_path / "other").mkdir()
    other = make_ca(tmp_path / "other", clock=scene.clock)
    record, officer = official(other, "district.officer")
    payload = sign_as(other, officer, decision_payload(scene.commune, scene.frontier, record))
    result = scene.publish(payload)
    assert result.exit_code == ExitCode.SIGNATURE
    check = signature_checks(result)["certificate chain"]
    assert not check.ok


def test_a_decision_changed_after_signing_fails_its_signature(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "changed")
    record, officer = official(scene.ca, "district.officer")
    payload = sign_as(scene.ca, officer, decision_payload(scene.commune, scene.frontier, record))
    payload["units"][0]["indicators"][0]["numerator"] = 2  # recorded after signing
    result = scene.publish(payload)
    assert result.exit_code == ExitCode.SIGNATURE
    check = signature_checks(result)["CMS signature"]
    assert not check.ok
    assert "digest" in check.detail


def test_a_decision_whose_frontier_is_missing_from_the_log_is_tampering(
    history: History, tmp_path: Path
) -> None:
    scene = Scene(history, tmp_path, "frontier")
    record, officer = official(scene.ca, "district.officer")
    frontier = [dict(h) for h in scene.frontier]
    frontier[0]["chain_seq"] += 5  # the decision saw events the log no longer has
    payload = sign_as(scene.ca, officer, decision_payload(scene.commune, frontier, record))
    result = scene.publish(payload)
    assert result.exit_code == ExitCode.TAMPERING
    (decision,) = result.decisions
    check = next(c for c in decision.checks if c.name == "evidence frontier")
    assert not check.ok
    assert "not in the verified log" in check.detail
