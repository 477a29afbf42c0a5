"""Reading scoring's `DecisionCheck` into audit's comparisons, with a ten-line fake evaluator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from smartcommune.audit.application.decisions import check_evaluation
from smartcommune.audit.domain.findings import DecisionVerdict
from smartcommune.audit.domain.log import Position
from smartcommune.audit.domain.outcome import ExitCode


@dataclass(frozen=True)
class Evidence:
    service: str
    commune_code: str
    count: int
    chain_seqs: tuple[int, ...]


@dataclass(frozen=True)
class Comparison:
    unit_code: str
    indicator_id: str
    recorded_value: tuple[int, int | None]
    recomputed_value: tuple[int, int | None] | None
    threshold: int
    recorded_met: bool
    recomputed_met: bool | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Check:
    criteria_set_ok: bool
    agrees: bool
    comparisons: list[Comparison]
    problems: list[str] = field(default_factory=list)


class FakeEvaluator:
    def __init__(self, result: Check | Exception) -> None:
        self.result = result

    def check(self, events: Any, decision: Any) -> Check:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def verdict() -> DecisionVerdict:
    return DecisionVerdict(
        "1/QD", "recognition.decision_issued", "e", Position("t", 0, 0), "2026-01-01",
        datetime.now(UTC), {},
    )  # fmt: skip


EVIDENCE = (Evidence("identity", "08920", 3, (1, 2, 5)),)


def test_agreeing_values_pass_with_their_evidence() -> None:
    same = Comparison("0892001", "vneid", (3, 4), (3, 4), 500, True, True, EVIDENCE)
    found = verdict()
    checks = check_evaluation(found, None, [], FakeEvaluator(Check(True, True, [same])), "")  # type: ignore[arg-type]
    assert all(c.ok for c in checks)
    (comparison,) = found.comparisons
    assert comparison.recorded == [3, 4]
    assert comparison.agrees
    assert comparison.evidence[0].chain == "identity/08920"
    assert comparison.evidence[0].chain_seqs == (1, 2, 5)


def test_a_differing_value_is_a_divergence_naming_unit_and_indicator() -> None:
    differ = Comparison("0892001", "vneid", (3, 4), (2, 4), 500, True, True, EVIDENCE)
    checks = check_evaluation(verdict(), None, [], FakeEvaluator(Check(True, False, [differ])), "")  # type: ignore[arg-type]
    failed = [c for c in checks if not c.ok]
    assert [c.code for c in failed] == [ExitCode.DIVERGENCE]
    assert "0892001 vneid" in failed[0].detail


def test_a_failing_or_missing_evaluator_makes_the_verdict_incomplete() -> None:
    crashed = check_evaluation(verdict(), None, [], FakeEvaluator(RuntimeError("boom")), "")  # type: ignore[arg-type]
    missing = check_evaluation(verdict(), None, [], None, "not installed")  # type: ignore[arg-type]
    assert [c.code for c in crashed] == [ExitCode.INCOMPLETE]
    assert [(c.code, c.detail) for c in missing] == [(ExitCode.INCOMPLETE, "not installed")]
