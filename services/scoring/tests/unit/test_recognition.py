"""The recognition workflow through the REST API, signed by identity's real signing service."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from fastapi.testclient import TestClient

from smartcommune.identity.ca import authority
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.grpc import Serving
from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.adapters import inbox
from smartcommune.scoring.application.decisions import signed_content
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.domain.criteria import DEFAULT_CRITERIA_DIR
from smartcommune.scoring.entrypoints.app import create_app
from smartcommune.scoring.replay import ReplayEvaluator
from smartcommune.scoring.testing import Chains, VillageProfile, village_facts

from .conftest import Headers, make_service

PATH = "VN-26/song-lo/cao-phong"
VILLAGES = [f"089200{n}" for n in range(1, 7)]


def load_facts(service: Service, failing: VillageProfile) -> Chains:
    chains = Chains()
    for n, code in enumerate(VILLAGES, start=1):
        profile = failing if n == 6 else VillageProfile()
        chains.record_all(village_facts("08920", code, f"{PATH}/thon-{n}", profile))
    with UnitOfWork(service.engine) as uow:
        for event in chains.recorded:
            inbox.keep(uow.session, event)
        uow.commit()
    return chains


def test_six_proposed_one_fails_then_five_are_recognised_with_a_verifiable_signature(
    client: TestClient, service: Service, auth: Headers, ca: CertificationAuthority,
    tmp_path: Path,
) -> None:  # fmt: skip
    chains = load_facts(service, VillageProfile(with_epayment=2, free_wifi=False))
    commune, district = auth("commune.officer"), auth("district.officer")
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": VILLAGES, "note": "Đề nghị"}
    proposed = client.post("/proposals", json=body, headers=commune)
    assert proposed.status_code == 201, proposed.text
    assert [f["unit_code"] for f in proposed.json()["not_meeting_now"]] == ["0892006"]
    six = proposed.json()["proposal_id"]

    refused = client.post(f"/proposals/{six}/decision", json={}, headers=district)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:smartcommune:problem:criteria-unmet"
    assert refused.headers["content-type"].startswith("application/problem+json")
    (failing,) = problem["failing"]
    assert failing["unit_code"] == "0892006"
    assert {i["indicator_id"] for i in failing["failing_mandatory"]} == {
        "free-wifi", "working-age-epayment",
    }  # fmt: skip
    assert "Thôn Đồng Dong" in problem["detail"]

    returned = client.post(f"/proposals/{six}/return", json={"comments": "Bỏ thôn 6"},
                           headers=district)  # fmt: skip
    assert returned.json()["status"] == "returned", returned.text
    assert client.post(f"/proposals/{six}/decision", json={}, headers=district).status_code == 409

    body["unit_codes"] = VILLAGES[:5]
    five = client.post("/proposals", json=body, headers=commune).json()["proposal_id"]
    assert client.post(f"/proposals/{five}/decision", json={}, headers=commune).status_code == 403
    issued = client.post(f"/proposals/{five}/decision", json={"decision_number": "15/QĐ-UBND"},
                         headers=district)  # fmt: skip
    assert issued.status_code == 201, issued.text
    decision = issued.json()
    payload = decision["payload"]
    assert [u["code"] for u in payload["units"]] == VILLAGES[:5]
    assert payload["signer"]["username"] == "district.officer"
    assert {(f["service"], f["chain_seq"]) for f in payload["evidence_frontier"]} >= {
        ("identity", chains.heads[("identity", "08920")].chain_seq),
        ("techteams", chains.heads[("techteams", "08920")].chain_seq),
    }

    # the detached CMS verifies with openssl against the CA root alone
    (tmp_path / "content.json").write_bytes(signed_content(payload))
    (tmp_path / "sig.der").write_bytes(base64.b64decode(payload["signature_cms_b64"]))
    _, root = authority.ca_chain(ca)
    (tmp_path / "root.pem").write_bytes(root.public_bytes(Encoding.PEM))
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.der",
         "-content", tmp_path / "content.json", "-CAfile", tmp_path / "root.pem",
         "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr

    # documents
    html = client.get(f"/decisions/{decision['decision_id']}/document.html", headers=commune)
    assert "QUYẾT ĐỊNH" in html.text
    assert "Thôn Đồng Giang" in html.text
    pdf = client.get(f"/decisions/{decision['decision_id']}/document.pdf", headers=district)
    assert pdf.content.startswith(b"%PDF")

    # the audit's replay agrees, from the events alone, in any order
    recorded = client.get(f"/decisions/{decision['decision_id']}", headers=commune).json()
    with UnitOfWork(service.engine) as uow:
        own = service.context.store.read_chain(uow.session, "scoring", "08920")
    decision_event = next(e for e in own if e.event_id == recorded["event_id"])
    check = ReplayEvaluator().check([*reversed(chains.recorded), *own], decision_event)
    assert check.criteria_set_ok
    assert check.agrees, check.problems
    assert len(check.comparisons) == 5 * 13

    listed = client.get("/units/0892001/recognitions", headers=auth("auditor")).json()
    assert listed[0]["decision_number"] == "15/QĐ-UBND"


def test_nothing_is_proposed_under_a_set_no_longer_in_force(
    tmp_path: Path, issuer: LocalIssuer, signing: Serving, auth: Headers
) -> None:
    folder = tmp_path / "criteria"
    shutil.copytree(DEFAULT_CRITERIA_DIR, folder)
    path = folder / "vp-smart-village.v1.json"
    path.write_text(path.read_text("utf-8").replace('"valid_to": null', '"valid_to": "2025-12-31"'))
    service = make_service(tmp_path, issuer, signing, criteria_dir=folder)
    client = TestClient(create_app(service.settings, service=service))
    body = {"criteria_set_id": "vp-smart-village", "unit_codes": ["0892001"]}
    refused = client.post("/proposals", json=body, headers=auth("commune.officer"))
    assert refused.status_code == 409, refused.text
    assert "2025-12-31" in refused.json()["detail"]
    service.engine.dispose()
