"""Erasure: the resident's personal data can never be read back, while the events and every
indicator count stay exactly as they were (the issue's acceptance test)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from smartcommune.identity.adapters import unit_of_work
from smartcommune.identity.adapters.projection import rebuild_read_model
from smartcommune.identity.adapters.tables import resident_keys, resident_personal_data
from smartcommune.identity.bootstrap import Service
from smartcommune.identity.ca import initialise
from smartcommune.identity.ca.revocation import revoke_resident_certificates
from smartcommune.kit.events import verify_chain
from smartcommune.kit.store import UnitOfWork

Headers = Callable[[str], dict[str, str]]
HOA = {"full_name": "Nguyễn Thị Hoa", "national_id": "001088012345", "phone": "0912345678"}


def counts(client: TestClient, auth: Headers) -> dict[str, Any]:
    answer = client.get("/units/08920/counts", headers=auth("district.officer"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture
def village(
    client: TestClient, auth: Headers, register: Callable[..., dict[str, Any]]
) -> dict[str, str]:
    """A household of two in Thôn 1 — Hoa (level 2) and her son — and a neighbour in Thôn 2."""
    officer = auth("commune.officer")
    hoa = register(**HOA)["resident_id"]
    son = register(national_id="001212000111", born="2012-05-01", full_name="Trần Văn An")
    other = register(village="0892002", national_id="001070000222", full_name="Phạm Văn Cường")
    made = client.post("/households", json={"village_code": "0892001", "member_ids": [hoa]},
                       headers=officer)  # fmt: skip
    assert made.status_code == 201, made.text
    household = made.json()["household_id"]
    joined = client.post(f"/households/{household}/members",
                         json={"resident_id": son["resident_id"]}, headers=officer)  # fmt: skip
    assert joined.status_code == 200, joined.text
    level = {"level": "level_2", "changed_on": "2025-06-01", "source": "police_registration"}
    assert client.post(f"/residents/{hoa}/vneid", json=level, headers=officer).status_code == 200
    return {"hoa": hoa, "son": son["resident_id"], "other": other["resident_id"],
            "household": household}  # fmt: skip


def test_an_erased_resident_cannot_be_read_back_while_the_counts_stay_unchanged(
    client: TestClient, auth: Headers, service: Service, village: dict[str, str]
) -> None:
    officer, hoa = auth("commune.officer"), village["hoa"]
    before = counts(client, auth)
    assert (before["residents"], before["vneid_level_2"], before["households"]) == (3, 1, 1)
    read = f"/residents/{hoa}/personal-data?purpose=erasure+check"
    assert client.get(read, headers=officer).json()["full_name"] == HOA["full_name"]

    erased = client.post(f"/residents/{hoa}/erase", json={}, headers=officer)
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] is True

    gone = client.get(read, headers=officer)
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["type"] == "urn:smartcommune:problem:personal-data-erased"
    with UnitOfWork(service.engine) as uow:
        assert uow.session.execute(
            select(resident_keys).where(resident_keys.c.resident_id == hoa)
        ).first() is None  # fmt: skip
        row = uow.session.execute(
            select(resident_personal_data).where(resident_personal_data.c.resident_id == hoa)
        ).one()
        assert (row.ciphertext, row.blind_index) == (None, None)
    assert counts(client, auth) == before
    rebuild_read_model(service.engine, service.store)
    assert counts(client, auth) == before  # and a replay of the events agrees
    others = client.get(f"/residents/{village['son']}/personal-data?purpose=check", headers=officer)
    assert others.status_code == 200  # no one else's data was touched


def test_after_erasure_nothing_is_decided_from_the_personal_data(
    client: TestClient, auth: Headers, village: dict[str, str]
) -> None:
    officer, hoa = auth("commune.officer"), village["hoa"]
    assert client.post(f"/residents/{hoa}/erase", json={}, headers=officer).status_code == 200
    level = {"level": "level_1", "changed_on": "2026-01-02", "source": "vneid_app_check"}
    assert client.post(f"/residents/{hoa}/vneid", json=level, headers=officer).status_code == 410
    assert client.post(f"/residents/{hoa}/erase", json={}, headers=officer).status_code == 410
    view = client.get(f"/residents/{hoa}", headers=officer).json()
    assert view["vneid"]["level"] == "level_2"  # the facts remain
    assert view["household_id"] == village["household"]


def test_the_same_person_may_be_registered_again_after_erasure(
    client: TestClient, auth: Headers, village: dict[str, str], register: Callable[..., Any]
) -> None:
    officer = auth("commune.officer")
    client.post(f"/residents/{village['hoa']}/erase", json={}, headers=officer)
    again = register(**HOA)
    assert again["resident_id"] != village["hoa"]


def test_no_event_and_no_stored_byte_holds_personal_data_in_clear(
    client: TestClient, auth: Headers, service: Service, village: dict[str, str]
) -> None:
    client.post(f"/residents/{village['other']}/erase", json={}, headers=auth("commune.officer"))
    secrets = [*HOA.values(), "Trần Văn An", "001212000111", "2012-05-01", "1988-04-12",
               "Phạm Văn Cường", "001070000222"]  # fmt: skip
    with UnitOfWork(service.engine) as uow:
        envelopes = service.store.read_all(uow, after_position=0, limit=1000)
    assert {e.envelope.event_type for e in envelopes} == {
        "resident.registered", "household.registered", "household.member_added",
        "vneid.level_changed", "resident.erased",
    }  # fmt: skip
    for item in envelopes:
        wire = item.envelope.to_wire()
        assert not [s for s in secrets if s.encode() in wire], item.envelope.event_type
    report = verify_chain([i.envelope for i in envelopes], "identity", "08920")
    assert report.ok
    database = Path(service.engine.url.database or "")
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert len(stored) > 10_000  # the database and its write-ahead log were read
    assert not [s for s in secrets if s.encode() in stored]


def test_erasure_and_personal_data_reads_are_written_to_the_audit_log(
    client: TestClient, auth: Headers, village: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    officer, hoa = auth("commune.officer"), village["hoa"]
    with caplog.at_level(logging.INFO, logger="smartcommune.identity.audit"):
        client.get(f"/residents/{hoa}/personal-data?purpose=renew+ID+card", headers=officer)
        client.post(f"/residents/{hoa}/erase", json={"basis": "deceased"}, headers=officer)
    read, erased = [r for r in caplog.records if r.name == "smartcommune.identity.audit"]
    assert read.getMessage() == "personal data read"
    assert (read.resident_id, read.purpose, read.role) == (hoa, "renew ID card", "commune-officer")  # type: ignore[attr-defined]
    assert erased.getMessage() == "personal data erased"
    assert (erased.resident_id, erased.basis) == (hoa, "deceased")  # type: ignore[attr-defined]
    assert HOA["full_name"] not in caplog.text


def test_erasure_revokes_the_residents_certificates_in_the_same_unit_of_work(
    client: TestClient, auth: Headers, service: Service, village: dict[str, str]
) -> None:
    initialise(service.ca)
    officer, hoa, other = auth("commune.officer"), village["hoa"], village["other"]
    scope = {"unit_path": "VN-26/song-lo/cao-phong", "commune_code": "08920"}

    def certify(resident_id: str) -> str:
        body = {"resident_id": resident_id, **scope}
        answer = client.post("/ca/residents/pkcs12", json=body, headers=officer)
        assert answer.status_code == 201, answer.text
        serial: str = answer.json()["certificate"]["serial"]
        return serial

    first, second, neighbours = certify(hoa), certify(hoa), certify(other)
    url = f"/ca/certificates/{second}/revocation"
    assert client.post(url, json={"reason": "superseded"}, headers=officer).status_code == 200

    assert client.post(f"/residents/{hoa}/erase", json={}, headers=officer).status_code == 200

    def view(serial: str) -> dict[str, Any]:
        answer = client.get(f"/ca/certificates/{serial}", headers=officer)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    assert view(first)["revocation_reason"] == "cessation_of_operation"
    assert view(second)["revocation_reason"] == "superseded"  # revoked before: left as it was
    assert view(neighbours)["revoked_at"] is None
    with UnitOfWork(service.engine) as uow:
        envelopes = [e.envelope for e in service.store.read_all(uow, after_position=0, limit=1000)]
    erased = next(e for e in envelopes if e.event_type == "resident.erased")
    revoked = [e for e in envelopes if e.event_type == "certificate.revoked"]
    assert [e.stream_id for e in revoked] == [f"certificate-{second}", f"certificate-{first}"]
    cessation = revoked[-1]
    assert cessation.payload["reason"] == "cessation_of_operation"
    assert cessation.payload["holder"] == hoa
    assert cessation.actor == erased.actor
    commune = [e for e in envelopes if e.commune_code == "08920"]
    assert verify_chain(commune, "identity", "08920").ok


def test_revocations_and_erasure_commit_together_or_not_at_all(
    client: TestClient,
    auth: Headers,
    service: Service,
    village: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    initialise(service.ca)
    officer, hoa = auth("commune.officer"), village["hoa"]
    body = {"resident_id": hoa, "unit_path": "VN-26/song-lo/cao-phong", "commune_code": "08920"}
    issued = client.post("/ca/residents/pkcs12", json=body, headers=officer)
    serial = issued.json()["certificate"]["serial"]

    def revoke_then_fail(*args: Any, **kwargs: Any) -> list[Any]:
        revoke_resident_certificates(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(unit_of_work, "revoke_resident_certificates", revoke_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        client.post(f"/residents/{hoa}/erase", json={}, headers=officer)

    assert client.get(f"/ca/certificates/{serial}", headers=officer).json()["revoked_at"] is None
    read = client.get(f"/residents/{hoa}/personal-data?purpose=check", headers=officer)
    assert read.status_code == 200, read.text  # not erased either
