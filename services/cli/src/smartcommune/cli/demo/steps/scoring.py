"""Scoring and recognition: each village's scorecard against the provincial smart-village
criteria, the commune officer's proposal of the villages that qualify, the district officer's
signed decision, and its document."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import Api, DemoError
from ..commune import Commune, day

VILLAGE_SET = "vp-smart-village"
COMMUNE_SET = "criterion-8"


@dataclass
class Recognition:
    scorecards: dict[str, dict[str, Any]] = field(default_factory=dict)
    commune_card: dict[str, Any] | None = None
    qualifying: list[str] = field(default_factory=list)
    proposal: dict[str, Any] = field(default_factory=dict)
    decision: dict[str, Any] = field(default_factory=dict)
    document_url: str = ""
    document_path: Path | None = None
    scorecards_path: Path | None = None


#: commune-level counts of criterion 8 that no service's events measure, attested by the
#: commune officer with the SHA-256 of the register the commune keeps (DEMO figures)
COMMUNE_FACTS = (
    ("postal_service_points", 1, "Giấy phép điểm bưu điện văn hoá xã"),
    ("officials_total", 22, "Danh sách cán bộ, công chức xã"),
    ("officials_trained", 22, "Chứng nhận bồi dưỡng kỹ năng số, an toàn thông tin"),
    ("ocop_products", 3, "Danh mục sản phẩm OCOP của xã"),
    ("ocop_products_online", 3, "Ảnh chụp gian hàng trên sàn thương mại điện tử"),
)


def attest_commune_facts(scoring: Api, commune: Commune) -> int:
    for fact, value, evidence in COMMUNE_FACTS:
        scoring.post(f"/units/{commune.code}/facts", {
            "fact": fact, "value": value, "attested_on": day(340).isoformat(),
            "evidence_sha256": hashlib.sha256(evidence.encode()).hexdigest(), "note": evidence,
        })  # fmt: skip
    return len(COMMUNE_FACTS)


def scorecards(scoring: Api, commune: Commune, result: Recognition, workdir: Path) -> None:
    """Every village's scorecard (kept as JSON beside the reports: value, threshold and the
    evidence — chain positions — of each indicator)."""
    for village in commune.villages:
        result.scorecards[village.code] = scoring.get(
            f"/units/{village.code}/scorecard", criteria_set=VILLAGE_SET
        )
    workdir.mkdir(parents=True, exist_ok=True)
    result.scorecards_path = workdir / "scorecards.json"
    result.scorecards_path.write_text(
        json.dumps(result.scorecards, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    result.qualifying = [code for code, card in result.scorecards.items() if card["meets"]]
    try:
        result.commune_card = scoring.get(
            f"/units/{commune.code}/scorecard", criteria_set=COMMUNE_SET
        )
    except DemoError:  # criterion 8 is shown when the set is there; the decision does not need it
        result.commune_card = None


def propose(scoring: Api, result: Recognition) -> None:
    """The commune officer proposes exactly the villages whose scorecards meet the set."""
    result.proposal = scoring.post("/proposals", {
        "criteria_set_id": VILLAGE_SET, "unit_codes": result.qualifying,
        "note": "Đề nghị công nhận thôn đạt chuẩn thôn thông minh",
    })  # fmt: skip


def decide(district: Api, result: Recognition, workdir: Path) -> None:
    """The district officer decides; scoring re-evaluates, signs with the officer's own
    certificate (identity's signing service) and records the decision."""
    proposal_id = result.proposal["proposal_id"]
    result.decision = district.post(f"/proposals/{proposal_id}/decision", {})
    decision_id = result.decision["decision_id"]
    result.document_url = f"{district.base_url}/decisions/{decision_id}/document.html"
    html = district.request("GET", f"/decisions/{decision_id}/document.html").text
    workdir.mkdir(parents=True, exist_ok=True)
    result.document_path = workdir / "decision.html"
    result.document_path.write_text(html, encoding="utf-8")
