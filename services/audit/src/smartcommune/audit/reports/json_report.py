"""The JSON report: everything the HTML report shows, for tools and for archiving."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..application.replay import AuditResult
from ..domain.findings import ChainFinding, Comparison, DecisionVerdict
from ..domain.outcome import MEANING

SCHEMA = "smartcommune.audit.report/1"


def _finding(finding: ChainFinding) -> dict[str, Any]:
    return {
        "chain": {"service": finding.chain.service, "commune_code": finding.chain.commune_code},
        "kind": finding.kind,
        "position": finding.position.as_json(),
        "event_id": finding.event_id,
        "chain_seq": finding.chain_seq,
        "expected_seq": finding.expected_seq,
        "detail": finding.detail,
        "conflicting_position": finding.conflicting_position.as_json()
        if finding.conflicting_position
        else None,
        "text": finding.describe(),
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "unit_code": c.unit_code,
        "indicator_id": c.indicator_id,
        "recorded": c.recorded,
        "recomputed": c.recomputed,
        "threshold": c.threshold,
        "recorded_met": c.recorded_met,
        "recomputed_met": c.recomputed_met,
        "agrees": c.agrees,
        "evidence": [
            {"chain": e.chain, "count": e.count, "chain_seqs": list(e.chain_seqs)}
            for e in c.evidence
        ],
    }


def _decision(d: DecisionVerdict) -> dict[str, Any]:
    return {
        "decision_number": d.decision_number,
        "event_type": d.event_type,
        "event_id": d.event_id,
        "position": d.position.as_json(),
        "decided_on": d.decided_on,
        "verified": d.ok,
        "checks": [
            {"name": c.name, "ok": c.ok, "detail": c.detail, "failure_code": int(c.code)}
            for c in d.checks
        ],
        "signer": d.signer,
        "comparisons": [_comparison(c) for c in d.comparisons],
        "payload": d.payload,
    }


def as_dict(result: AuditResult) -> dict[str, Any]:
    code = result.exit_code
    return {
        "schema": SCHEMA,
        "commune_code": result.commune_code,
        "related_communes": list(result.related_communes),
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "verdict": {"exit_code": int(code), "name": code.name.lower(), "meaning": MEANING[code]},
        "read": {
            "records": result.records,
            "offsets_scanned": result.scanned,
            "seconds": round(result.seconds, 3),
            "partitions": [
                {"topic": r.topic, "partition": r.partition, "start": r.start, "stop": r.stop}
                for r in result.partitions
            ],
        },
        "chains": [
            {
                "service": c.chain.service,
                "commune_code": c.chain.commune_code,
                "verified": c.verified,
                "redeliveries": c.redeliveries,
                "frontier": {"chain_seq": c.last_seq, "hash": c.last_hash},
                "first_recorded": _time(c.first_recorded),
                "last_recorded": _time(c.last_recorded),
                "finding": _finding(c.finding) if c.finding else None,
            }
            for c in result.chains
        ],
        "findings": [_finding(f) for f in result.findings],
        "decisions": [_decision(d) for d in result.decisions],
        "timeline": [asdict(e) | {"at": e.at.isoformat()} for e in result.timeline],
        "evaluator_note": result.evaluator_note,
    }


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def write(result: AuditResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_dict(result), indent=2, ensure_ascii=False, default=str))
    return path
