"""Helpers for tests that need signed decisions on a real topic: a CA, officials, decisions.

A decision is built with scoring's own payload model and signed over its canonical content
(without scoring's signature fields) — by identity's real signing path when the certificate is
usable, or straight with the official's stored key to simulate a stolen key signing after a
revocation. The CA's certificate events and the decision are appended and relayed with the kit.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from smartcommune.identity.ca import cms, issuing, signing
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.domain import CertificateRecord
from smartcommune.identity.ca.testing import person
from smartcommune.kit.auth import DISTRICT_OFFICER, PROVINCE_ADMIN
from smartcommune.kit.events import Actor, canonical_bytes
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.domain.events import SIGNATURE_FIELDS, RecognitionDecisionIssued
from smartcommune.scoring.domain.events import registry as scoring_registry

from .synthetic.history import Fact
from .synthetic.writer import ServiceStore, append_facts, open_store, topic_name

DISTRICT = "VN-26/district-01"


def official(ca: CertificationAuthority, username: str) -> tuple[CertificateRecord, Any]:
    """A district officer's signing certificate, and the officer as a principal."""
    subject = f"subject-{username}"
    admin = person("province.admin", PROVINCE_ADMIN, "VN-26")
    record = issuing.issue_official(
        ca, admin, subject=subject, username=username, role=DISTRICT_OFFICER,
        admin_unit=DISTRICT, commune_code=None,
    )  # fmt: skip
    return record, person(username, DISTRICT_OFFICER, DISTRICT, subject=subject)


def relay_ca(ca: CertificationAuthority, bootstrap: str, prefix: str) -> int:
    producer = make_producer(bootstrap, client_id="audit-tests.ca")
    try:
        factory = functools.partial(UnitOfWork, ca.engine)
        return OutboxRelay(factory, ca.events, topic_name("identity", prefix), producer).drain()
    finally:
        producer.close(timeout=10)


def decision_payload(
    commune: str,
    frontier: list[dict[str, Any]],
    record: CertificateRecord,
    *,
    number: str = "123/QD-UBND",
    indicators: list[dict[str, Any]] | None = None,
    units: list[dict[str, Any]] | None = None,
    criteria_set: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A decision's content (scoring's model), unsigned: signature fields empty."""
    values = indicators or [
        {
            "indicator_id": "vneid_level2", "numerator": 1, "denominator": 2, "threshold": 500,
            "threshold_basis": "default", "met": True, "mandatory": True,
        }
    ]  # fmt: skip
    model = RecognitionDecisionIssued(
        decision_number=number,
        decided_on=date(2026, 7, 15),
        as_of=date(2026, 6, 30),
        commune_code=commune,
        authority={
            "unit_code": "253",
            "unit_path": DISTRICT,
            "level": "district",
            "role": DISTRICT_OFFICER,
        },
        signer={
            "subject": record.holder,
            "username": "district.officer",
            "role": record.role,
            "certificate_serial": record.serial,
        },
        units=units
        or [
            {
                "code": f"{commune}01",
                "path": "VN-26/x",
                "name": "Thôn 1",
                "meets": True,
                "indicators": values,
            },
        ],
        criteria_set=criteria_set or {"id": "vp-smart-village", "version": 1, "sha256": "0" * 64},
        include_predecessors=False,
        evidence_frontier=frontier,
        document_sha256="0" * 64,
        signed_at="",
        signature_cms_b64="",
        proposal_id="proposal-1",
    )
    return model.model_dump(mode="json")


def document(payload: Mapping[str, Any]) -> bytes:
    return canonical_bytes({k: v for k, v in payload.items() if k not in SIGNATURE_FIELDS})


def with_digest(payload: dict[str, Any]) -> dict[str, Any]:
    unsigned = {k: v for k, v in payload.items() if k not in SIGNATURE_FIELDS | {"document_sha256"}}
    return payload | {"document_sha256": hashlib.sha256(canonical_bytes(unsigned)).hexdigest()}


def sign_as(ca: CertificationAuthority, officer: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Signed through identity's signing service code (refuses revoked certificates)."""
    payload = with_digest(payload)
    signed = signing.sign(
        ca, officer, document(payload), content_type="application/json",
        purpose="recognition-decision",
    )  # fmt: skip
    return payload | {
        "signature_cms_b64": base64.b64encode(signed.signature).decode(),
        "signed_at": signed.signed_at.isoformat(),
    }


def sign_with_key(
    ca: CertificationAuthority, record: CertificateRecord, payload: dict[str, Any]
) -> dict[str, Any]:
    """Signed with the official's key directly, bypassing every check of the signing service."""
    payload = with_digest(payload)
    with ca.unit_of_work(read_only=True) as uow:
        key = ca.vault.get(uow.session, issuing.official_key_label(record.serial))
        issuing_ca, _ = ca.authorities(uow)
    signature = cms.sign_detached(
        document(payload), record.certificate, key, [issuing_ca.certificate]
    )
    return payload | {"signature_cms_b64": base64.b64encode(signature).decode()}


def scoring_store(folder: Path) -> ServiceStore:
    return open_store("scoring", f"sqlite:///{folder / 'scoring.db'}", scoring_registry)


def append_decision(
    store: ServiceStore, commune: str, payload: dict[str, Any], occurred_at: Any
) -> None:
    model = RecognitionDecisionIssued.model_validate(payload)
    fact = Fact(
        "scoring", f"decision-{payload['decision_number']}", commune, f"VN-26/d/c-{commune}",
        occurred_at, Actor(subject="subject-district.officer", role=DISTRICT_OFFICER), model,
    )  # fmt: skip
    append_facts(store, [fact])
