"""Shared test data: demo ids, the collecting accounts, signed webhook requests, dossier events."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from smartcommune.kit.events import Actor, EventDraft, EventEnvelope, Frontier, seal
from smartcommune.kit.events.chain import GENESIS_HASH
from smartcommune.payments.application.webhook import signature

SECRET = "test-webhook-secret-not-for-production"
COLLECTING: dict[str, dict[str, str]] = {
    "08920": {"bank_bin": "970415", "account": "113366668888", "name": "UBND xã Cao Phong"},
    "08923": {"bank_bin": "970436", "account": "0071000123456"},
}


def resident(n: int = 0) -> str:
    return f"resident-{uuid.UUID(int=0x4000_8000_0000_0000 + n, version=4)}"


def household(n: int = 0) -> str:
    return f"household-{uuid.UUID(int=0x4000_8000_0000_0000 + n, version=4)}"


def account_body(**changes: Any) -> dict[str, Any]:
    return {
        "holder_kind": "resident",
        "holder_id": resident(1),
        "village_code": "0892001",
        "provider_type": "bank",
        "provider": "VCB",
        "account_number": "0011001932418",
        "opened_on": "2026-03-01",
        **changes,
    }


def payment_body(**changes: Any) -> dict[str, Any]:
    return {
        "provider": "VCB",
        "transaction_id": f"FT{uuid.uuid4().hex[:12].upper()}",
        "purpose": "electricity",
        "channel": "bank_transfer",
        "amount_vnd": 350_000,
        "payer_kind": "household",
        "payer_id": household(1),
        "payee_kind": "public_body",
        "payee_id": "EVN-NPC",
        "village_code": "0892001",
        "paid_on": "2026-03-10",
        **changes,
    }


def dossier_submitted(
    number: str,
    fee_vnd: int,
    commune: str = "08920",
    at: datetime | None = None,
    unit_path: str = "VN-26/song-lo/cao-phong",
    seq: int = 1,
) -> EventEnvelope:
    """A `dossier.submitted` as the dossiers service publishes it (built with the kit only)."""
    draft = EventDraft(
        event_type="dossier.submitted",
        event_version=1,
        stream_id=f"dossier-{uuid.uuid5(uuid.NAMESPACE_URL, commune + number)}",
        commune_code=commune,
        unit_path=unit_path,
        occurred_at=at or datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        actor=Actor(subject="officer-1", role="commune-officer"),
        payload={
            "dossier_number": number,
            "kind": "procedure",
            "procedure_code": "1.001193",
            "procedure_name": "Chứng thực",
            "channel": "full_online",
            "receiving_unit": "Một cửa",
            "fee_vnd": fee_vnd,
            "applicant_ref": "res-7f3a9c",
            "applicant_type": "citizen",
            "applicant_home_commune": commune,
            "applicant_village": None,
            "handling_department": None,
            "handling_officer_ref": None,
        },
    )
    return seal(
        draft,
        service="dossiers",
        stream_version=1,
        recorded_at=datetime.now(UTC),
        after=Frontier(seq - 1, GENESIS_HASH),
    )


def identity_event(
    event_type: str, stream_id: str, payload: dict[str, Any], village: str = "0892001"
) -> EventEnvelope:
    """An event as the identity service publishes it (built with the kit only)."""
    draft = EventDraft(
        event_type=event_type,
        event_version=1,
        stream_id=stream_id,
        commune_code=village[:5],
        unit_path=f"VN-26/song-lo/cao-phong/thon-{int(village[5:])}",
        occurred_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC),
        actor=Actor(subject="officer-1", role="commune-officer"),
        payload=payload,
    )
    return seal(
        draft,
        service="identity",
        stream_version=1,
        recorded_at=datetime.now(UTC),
        after=Frontier(0, GENESIS_HASH),
    )


def signed(
    body: dict[str, Any] | bytes, secret: str = SECRET, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "X-Webhook-Timestamp": stamp,
        "X-Webhook-Signature": signature(secret, stamp, raw),
        "Content-Type": "application/json",
    }
    return raw, headers
