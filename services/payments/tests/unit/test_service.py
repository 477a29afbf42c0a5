"""The service through its REST API and its consumer handlers, on SQLite: accounts stay masked
outside the vault, payments are recorded once, a dossier's fee goes from request to paid, the
webhook trusts only fresh signed new notifications, statements import idempotently, and the
adoption figures count what they say."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from vietqr_emvco import VietQRParser  # type: ignore[import-untyped]  # ships no type hints

from smartcommune.kit.store import UnitOfWork
from smartcommune.payments.adapters.tables import account_vault
from smartcommune.payments.adapters.vault import AccountVault
from smartcommune.payments.application.fees import DossierFees
from smartcommune.payments.application.residents import apply_identity_event
from smartcommune.payments.bootstrap import Service
from smartcommune.payments.domain.vietqr import parse

from .helpers import (
    account_body,
    dossier_submitted,
    household,
    identity_event,
    payment_body,
    resident,
    signed,
)

Headers = Callable[[str], dict[str, str]]
OFFICER = "commune.officer"


def stored_events(service: Service) -> list[dict[str, Any]]:
    with UnitOfWork(service.engine, read_only=True) as uow:
        return [
            {
                "type": e.envelope.event_type,
                "payload": dict(e.envelope.payload),
                "wire": e.envelope.to_wire(),
                "unit_path": e.envelope.unit_path,
            }
            for e in service.store.read_all(uow, limit=1000)
        ]


def consume(service: Service, handler: Callable[..., None], *envelopes: Any) -> None:
    for envelope in envelopes:
        with UnitOfWork(service.engine) as uow:
            handler(uow, envelope)
            uow.commit()


# ---------------------------------------------------------------- accounts
def test_an_account_number_is_masked_everywhere_but_the_encrypted_vault(
    client: TestClient, service: Service, auth: Headers
) -> None:
    answer = client.post("/accounts", json=account_body(), headers=auth(OFFICER))
    assert answer.status_code == 201, answer.text
    account = answer.json()
    assert account["masked_number"] == "*********2418"
    assert "0011001932418" not in answer.text
    listed = client.get("/units/08920/accounts", headers=auth("district.officer"))
    assert "0011001932418" not in listed.text
    assert listed.json()["total"] == 1
    (event,) = stored_events(service)
    assert event["type"] == "payment_account.opened"
    assert event["payload"]["masked_number"] == "*********2418"
    assert b"0011001932418" not in event["wire"]
    assert event["unit_path"] == "VN-26/song-lo/cao-phong/thon-1"
    with UnitOfWork(service.engine, read_only=True) as uow:
        (row,) = uow.session.execute(select(account_vault)).all()
        assert b"0011001932418" not in row.ciphertext
        assert isinstance(service.deps.vault, AccountVault)
        assert service.deps.vault.reveal(uow.session, account["account_id"]) == "0011001932418"
    again = client.post(
        "/accounts", json=account_body(holder_id=resident(2)), headers=auth(OFFICER)
    )
    assert again.status_code == 409, again.text
    assert again.json()["existing_id"] == account["account_id"]
    assert "0011001932418" not in again.text


def test_a_bad_account_number_is_refused_without_echoing_it(
    client: TestClient, auth: Headers
) -> None:
    answer = client.post(
        "/accounts", json=account_body(account_number="12345-SECRET-99"), headers=auth(OFFICER)
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "account_number"
    assert "SECRET" not in answer.text


def test_closing_an_account(client: TestClient, auth: Headers) -> None:
    account = client.post("/accounts", json=account_body(), headers=auth(OFFICER)).json()
    url = f"/accounts/{account['account_id']}/close"
    early = client.post(url, json={"closed_on": "2026-02-01"}, headers=auth(OFFICER))
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "closed_on"
    closed = client.post(url, json={"closed_on": "2026-04-01"}, headers=auth(OFFICER))
    assert closed.json()["closed_on"] == "2026-04-01"
    twice = client.post(url, json={"closed_on": "2026-04-02"}, headers=auth(OFFICER))
    assert twice.status_code == 409
    assert twice.json()["type"] == "urn:smartcommune:problem:invalid-state"


def test_a_techteam_member_onboards_in_their_own_village_only(
    client: TestClient, auth: Headers
) -> None:
    member = auth("techteam.member")
    own = client.post("/accounts", json=account_body(), headers=member)
    assert own.status_code == 201, own.text
    other = client.post(
        "/accounts",
        json=account_body(village_code="0892002", account_number="99887766"),
        headers=member,
    )
    assert other.status_code == 403
    assert client.post("/payments", json=payment_body(), headers=member).status_code == 403


# ---------------------------------------------------------------- merchants and payments
def test_a_merchant_starts_and_stops_accepting_qr(client: TestClient, auth: Headers) -> None:
    body = {
        "village_code": "0892002",
        "kind": "market_stall",
        "accepts_qr": False,
        "registered_on": "2026-01-10",
    }
    merchant = client.post("/merchants", json=body, headers=auth(OFFICER)).json()
    url = f"/merchants/{merchant['merchant_id']}/qr-acceptance"
    changed = client.post(
        url, json={"accepts_qr": True, "changed_on": "2026-02-01"}, headers=auth(OFFICER)
    )
    assert changed.json()["accepts_qr"] is True
    assert changed.json()["version"] == 2
    same = client.post(
        url, json={"accepts_qr": True, "changed_on": "2026-02-02"}, headers=auth(OFFICER)
    )
    assert same.status_code == 409


def test_the_same_transaction_is_recorded_once(client: TestClient, auth: Headers) -> None:
    body = payment_body()
    first = client.post("/payments", json=body, headers=auth(OFFICER))
    assert first.status_code == 201, first.text
    assert first.json()["payment"]["household_id"] == household(1)
    again = client.post("/payments", json=body, headers=auth(OFFICER))
    assert again.status_code == 409
    assert again.json()["existing_id"] == first.json()["payment"]["payment_id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"payer_id": "resident-1"}, "payer_id"),
        ({"payer_kind": "external"}, "payer_id"),
        ({"payee_kind": "merchant"}, "payee_id"),
        ({"village_code": "0892301", "commune_code": "08920"}, "commune_code"),
        ({"village_code": None}, "commune_code"),
        ({"village_code": "0899999"}, "village_code"),
        ({"bill_number": "NOSUCHBILL"}, "bill_number"),
    ],
)
def test_an_inconsistent_payment_names_the_field(
    client: TestClient, auth: Headers, changes: dict[str, Any], field: str
) -> None:
    answer = client.post("/payments", json=payment_body(**changes), headers=auth(OFFICER))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field


# ---------------------------------------------------------------- dossier fees
def test_a_dossier_fee_goes_from_qr_to_paid(
    client: TestClient, service: Service, auth: Headers
) -> None:
    fees = DossierFees(service.store, service.deps.collecting)
    submitted = dossier_submitted("000.26.08920-0007", 50_000)
    consume(service, fees, submitted, submitted)  # a second copy asks nothing more
    consume(service, fees, dossier_submitted("000.26.08920-0008", 0, seq=2))  # no fee: nothing
    url = f"/dossiers/{submitted.stream_id}/fee"
    fee = client.get(url, headers=auth("auditor")).json()
    assert (fee["status"], fee["paid"], fee["amount_vnd"]) == ("requested", False, 50_000)
    qr = parse(fee["vietqr_payload"])
    assert (qr.amount_vnd, qr.bill_number, qr.account) == (
        50_000,
        fee["bill_number"],
        "113366668888",
    )
    theirs = VietQRParser.parse(fee["vietqr_payload"])
    assert VietQRParser.verify_checksum(fee["vietqr_payload"])
    assert theirs["amount"] == 50_000.0
    png = client.get(f"/fees/{fee['fee_id']}/qr.png", headers=auth(OFFICER))
    assert png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/fees/{fee['fee_id']}/qr.svg", headers=auth(OFFICER))
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    assert client.get(url, headers=auth("neighbour.officer")).status_code == 403

    pay = payment_body(
        purpose="public_service_fee",
        channel="qr",
        amount_vnd=50_000,
        payer_kind="external",
        payer_id=None,
        payee_kind="public_body",
        payee_id="08920",
        village_code=None,
        commune_code="08920",
        bill_number=fee["bill_number"],
        paid_on="2026-03-02",
    )
    wrong = client.post("/payments", json={**pay, "amount_vnd": 40_000}, headers=auth(OFFICER))
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "amount_vnd"
    paid = client.post("/payments", json=pay, headers=auth(OFFICER))
    assert paid.status_code == 201, paid.text
    assert paid.json()["fee"]["status"] == "paid"
    fee = client.get(url, headers=auth(OFFICER)).json()
    assert (fee["paid"], fee["channel"], fee["paid_on"]) == (True, "qr", "2026-03-02")
    types = [e["type"] for e in stored_events(service)]
    assert types == ["fee_payment.requested", "cashless_payment.recorded", "fee_payment.paid"]
    requested = stored_events(service)[0]["payload"]
    assert requested["dossier_id"] == submitted.stream_id
    assert requested["masked_collecting_account"] == "********8888"


def test_a_commune_without_collecting_account_dead_letters_its_fees(service: Service) -> None:
    from smartcommune.kit.consumer import DeadLetter

    fees = DossierFees(service.store, service.deps.collecting)
    event = dossier_submitted(
        "000.26.08926-0001", 20_000, commune="08926", unit_path="VN-26/song-lo/duc-bac"
    )
    with pytest.raises(DeadLetter, match="no collecting account"):
        consume(service, fees, event)


# ---------------------------------------------------------------- the webhook
def _fee(service: Service, number: str = "000.26.08920-0100", amount: int = 30_000) -> str:
    event = dossier_submitted(number, amount)
    consume(service, DossierFees(service.store, service.deps.collecting), event)
    return event.stream_id


def notification(bill: str | None, **changes: Any) -> dict[str, Any]:
    return {
        "notification_id": f"N-{time.time_ns()}",
        "transaction_id": f"FT{time.time_ns()}",
        "account_number": "113366668888",
        "amount_vnd": 30_000,
        "paid_at": "2026-03-02T10:15:00+07:00",
        "channel": "qr",
        "bill_number": bill,
        **changes,
    }


def test_the_webhook_records_a_signed_fresh_new_notification(
    client: TestClient, service: Service, auth: Headers
) -> None:
    dossier_id = _fee(service)
    bill = client.get(f"/dossiers/{dossier_id}/fee", headers=auth(OFFICER)).json()["bill_number"]
    body, headers = signed(notification(None, description=f"CK le phi {bill} Nguyen Van A"))
    answer = client.post("/webhooks/vcb", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "recorded"
    assert answer.json()["fee_status"] == "paid"
    assert client.get(f"/dossiers/{dossier_id}/fee", headers=auth(OFFICER)).json()["paid"]

    replayed = client.post("/webhooks/vcb", content=body, headers=headers)
    assert replayed.status_code == 409
    assert replayed.json()["type"] == "urn:smartcommune:problem:webhook-replayed"

    # the same transaction in a new notification (the bank retried): recorded once
    retried = json.loads(body)
    retried["notification_id"] = "N-retry-1"
    body, headers = signed(retried)
    again = client.post("/webhooks/VCB", content=body, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"
    payments = [e for e in stored_events(service) if e["type"] == "cashless_payment.recorded"]
    assert len(payments) == 1


def test_the_webhook_refuses_forged_stale_and_unknown(client: TestClient, service: Service) -> None:
    _fee(service)
    body, headers = signed(notification("X"), secret="guessed-secret")
    forged = client.post("/webhooks/VCB", content=body, headers=headers)
    assert forged.status_code == 401
    assert forged.json()["type"] == "urn:smartcommune:problem:webhook-bad-signature"
    body, headers = signed(notification("X"))
    altered = body.replace(b"30000", b"3000")
    assert client.post("/webhooks/VCB", content=altered, headers=headers).status_code == 401
    body, headers = signed(notification("X"), timestamp=int(time.time()) - 3600)
    stale = client.post("/webhooks/VCB", content=body, headers=headers)
    assert stale.status_code == 401
    assert stale.json()["type"] == "urn:smartcommune:problem:webhook-stale"
    unsigned = client.post("/webhooks/VCB", content=body)
    assert unsigned.status_code == 401
    assert client.post("/webhooks/MOMO", content=body, headers=headers).status_code == 404
    body, headers = signed(b"{not json")
    assert client.post("/webhooks/VCB", content=body, headers=headers).status_code == 422
    body, headers = signed(notification("NOSUCHBILL"))
    bad = client.post("/webhooks/VCB", content=body, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "bill_number"
    body, headers = signed(notification("X", account_number="55555555"))
    other = client.post("/webhooks/VCB", content=body, headers=headers)
    assert other.status_code == 422
    assert "55555555" not in other.text


# ---------------------------------------------------------------- statements
HEADER = (
    "transaction_id,paid_on,amount_vnd,purpose,channel,payer_kind,payer_id,payee_kind,payee_id,"
    "household_id,village_code,bill_number"
)


def statement(*rows: str) -> bytes:
    return ("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n").encode()


def test_a_statement_imports_once_and_pays_the_fees_it_names(
    client: TestClient, service: Service, auth: Headers
) -> None:
    dossier_id = _fee(service, "000.26.08920-0200", 30_000)
    bill = client.get(f"/dossiers/{dossier_id}/fee", headers=auth(OFFICER)).json()["bill_number"]
    data = statement(
        f"T1,2026-03-01,120000,water,bank_transfer,household,{household(1)},public_body,NUOC-VP,,0892001,",
        f"T2,2026-03-01,80000,school_fee,e_wallet,household,{household(2)},public_body,THCS-CP,,0892002,",
        f"T3,2026-03-02,30000,public_service_fee,qr,external,,public_body,08920,,,{bill}",
    )
    url = "/imports/statements?provider=VCB&commune_code=08920"
    headers = {**auth(OFFICER), "Content-Type": "text/csv"}
    first = client.post(url, content=data, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": 3, "duplicates": 0, "fees_paid": 1, "rejected": []}
    again = client.post(url, files={"file": ("s.csv", data, "text/csv")}, headers=auth(OFFICER))
    assert again.json() == {"accepted": 0, "duplicates": 3, "fees_paid": 0, "rejected": []}
    assert client.get(f"/dossiers/{dossier_id}/fee", headers=auth(OFFICER)).json()["paid"]
    assert len([e for e in stored_events(service) if e["type"] == "cashless_payment.recorded"]) == 3
    denied = client.post(
        url, content=data, headers={**auth("neighbour.officer"), "Content-Type": "text/csv"}
    )
    assert denied.status_code == 403


def test_a_statement_with_faults_lists_each_row_and_column_and_imports_nothing(
    client: TestClient, service: Service, auth: Headers
) -> None:
    data = statement(
        f"T1,2026-03-01,120000,water,bank_transfer,household,{household(1)},public_body,NUOC,,0892001,",
        "T2,2026-13-01,-5,gas,bank_transfer,household,,public_body,NUOC,,0892001,",
        "T1,2026-03-01,1000,water,qr,external,,public_body,NUOC,,0892301,",
        "T4,2026-03-01",
    )
    answer = client.post(
        "/imports/statements?provider=VCB&commune_code=08920",
        content=data,
        headers={**auth(OFFICER), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 422, answer.text
    faults = {(e["row"], e["field"]) for e in answer.json()["errors"]}
    assert {
        ("3", "paid_on"),
        ("3", "amount_vnd"),
        ("3", "purpose"),
        ("4", "village_code"),
        ("5", "row"),
    } <= faults
    assert stored_events(service) == []
    unknown = client.post(
        "/imports/statements?provider=VCB&commune_code=08920",
        content=b"transaction_id,colour\r\n",
        headers={**auth(OFFICER), "Content-Type": "text/csv"},
    )
    fields = {e["field"] for e in unknown.json()["errors"]}
    assert {"colour", "paid_on", "amount_vnd"} <= fields


# ---------------------------------------------------------------- adoption
def test_adoption_counts_working_age_accounts_bills_and_qr_merchants(
    client: TestClient, service: Service, auth: Headers
) -> None:
    consume(
        service,
        apply_identity_event,
        identity_event(
            "resident.registered",
            resident(1),
            {"village_code": "0892001", "household_id": household(1), "birth_year": 1990},
        ),
        identity_event(
            "resident.registered",
            resident(2),
            {"village_code": "0892001", "household_id": household(1), "birth_year": 1985},
        ),
        identity_event(
            "resident.registered",
            resident(3),  # a child: not of working age
            {"village_code": "0892001", "household_id": household(1), "birth_year": 2020},
        ),
        identity_event(
            "resident.registered",
            resident(4),  # erased below
            {"village_code": "0892001", "household_id": None, "birth_year": 1980},
        ),
        identity_event(
            "household.registered", household(2), {"village_code": "0892001", "member_ids": []}
        ),
        identity_event("resident.erased", resident(4), {"basis": "request"}),
    )
    officer = auth(OFFICER)
    for n, holder in ((1, resident(1)), (2, resident(3)), (3, household(2))):
        kind = holder.split("-")[0]
        body = account_body(holder_kind=kind, holder_id=holder, account_number=f"1000000{n}")
        assert client.post("/accounts", json=body, headers=officer).status_code == 201
    client.post("/payments", json=payment_body(paid_on="2026-02-01"), headers=officer)
    for accepts in (True, False):
        body = {
            "village_code": "0892001",
            "kind": "shop",
            "accepts_qr": accepts,
            "registered_on": "2026-01-01",
        }
        client.post("/merchants", json=body, headers=officer)

    answer = client.get("/units/08920/adoption?as_of=2026-03-31", headers=auth("auditor"))
    assert answer.status_code == 200, answer.text
    village = next(v for v in answer.json()["villages"] if v["unit"]["code"] == "0892001")
    f = village["figures"]
    assert (
        f["working_age_with_account"]["numerator"],
        f["working_age_with_account"]["denominator"],
    ) == (1, 2)
    assert f["working_age_with_account"]["value"] == "0.5000"
    assert f["working_age_with_account"]["per_mille"] == 500
    assert (
        f["households_paying_bills_cashless"]["numerator"],
        f["households_paying_bills_cashless"]["denominator"],
    ) == (1, 2)
    assert (
        f["merchants_accepting_qr"]["numerator"],
        f["merchants_accepting_qr"]["denominator"],
    ) == (1, 2)
    assert answer.json()["figures"] == f  # the commune's only active village
    before = client.get("/units/08920/adoption?as_of=2026-01-15", headers=auth("auditor")).json()
    assert before["figures"]["working_age_with_account"]["numerator"] == 0
    assert client.get("/units/08923/adoption", headers=officer).status_code == 403


def test_vietqr_tools_build_render_and_explain(client: TestClient, auth: Headers) -> None:
    body = {
        "bank_bin": "970415",
        "account": "0011001932418",
        "dynamic": True,
        "amount_vnd": 120000,
        "purpose": "ung ho lu lut",
    }
    built = client.post("/vietqr", json=body, headers=auth("techteam.member"))
    assert built.json()["payload"].endswith("6304C15C"), built.text
    image = client.post("/vietqr/image?format=svg", json=body, headers=auth("auditor"))
    assert b"<svg" in image.content
    bad = client.post(
        "/vietqr/parse", json={"payload": built.json()["payload"][:-1] + "0"}, headers=auth(OFFICER)
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "63"
    dynamic_without_amount = client.post(
        "/vietqr", json={**body, "amount_vnd": None}, headers=auth(OFFICER)
    )
    assert dynamic_without_amount.json()["errors"][0]["field"] == "54"


def test_no_event_carries_a_full_account_number(
    client: TestClient, service: Service, auth: Headers
) -> None:
    numbers = [f"97041500{n:05d}" for n in range(5)]
    for n, number in enumerate(numbers):
        body = account_body(holder_id=resident(n), account_number=number)
        assert client.post("/accounts", json=body, headers=auth(OFFICER)).status_code == 201
    wire = b"".join(e["wire"] for e in stored_events(service))
    assert not any(number.encode() in wire for number in numbers)
    for event in stored_events(service):
        assert json.loads(event["wire"])["payload"]["masked_number"].startswith("*")
    with UnitOfWork(service.engine, read_only=True) as uow:
        dump = "".join(str(r) for r in uow.session.execute(text("SELECT * FROM payment_accounts")))
    assert not any(number in dump for number in numbers)


def test_the_read_models_rebuilt_from_the_events_are_the_same(
    client: TestClient, service: Service, auth: Headers
) -> None:
    from smartcommune.payments.adapters.projection import rebuild_projections

    officer = auth(OFFICER)
    account = client.post("/accounts", json=account_body(), headers=officer).json()
    client.post(
        f"/accounts/{account['account_id']}/close",
        json={"closed_on": "2026-05-01"},
        headers=officer,
    )
    body = {
        "village_code": "0892002",
        "kind": "shop",
        "accepts_qr": False,
        "registered_on": "2026-01-10",
    }
    merchant = client.post("/merchants", json=body, headers=officer).json()
    client.post(
        f"/merchants/{merchant['merchant_id']}/qr-acceptance",
        json={"accepts_qr": True, "changed_on": "2026-02-01"},
        headers=officer,
    )
    client.post("/payments", json=payment_body(), headers=officer)
    consume(
        service,
        DossierFees(service.store, service.deps.collecting),
        dossier_submitted("000.26.08920-0300", 15_000),
    )

    def everything() -> list[Any]:
        reads = ("accounts", "merchants", "payments")
        lists = [client.get(f"/units/08920/{r}", headers=officer).json() for r in reads]
        return [
            *lists,
            client.get("/units/08920/adoption?as_of=2026-06-01", headers=officer).json(),
        ]

    before = everything()
    assert rebuild_projections(service.engine) == 4
    assert everything() == before


def test_a_row_refused_while_recording_costs_only_itself(
    client: TestClient, service: Service, auth: Headers
) -> None:
    """Two rows paying the same fee: the chunk is rolled back and recorded row by row."""
    dossier_id = _fee(service, "000.26.08920-0400", 30_000)
    bill = client.get(f"/dossiers/{dossier_id}/fee", headers=auth(OFFICER)).json()["bill_number"]
    fee_row = "{},2026-03-02,30000,public_service_fee,qr,external,,public_body,08920,,,{}"
    data = statement(
        fee_row.format("R1", bill),
        f"R2,2026-03-01,120000,water,bank_transfer,household,{household(1)},public_body,NUOC,,,",
        fee_row.format("R3", bill),
    )
    answer = client.post(
        "/imports/statements?provider=VCB&commune_code=08920",
        content=data,
        headers={**auth(OFFICER), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["accepted"], report["fees_paid"], report["duplicates"]) == (2, 1, 0)
    (rejected,) = report["rejected"]
    assert (rejected["row"], rejected["field"]) == (4, "row")
    assert "was paid on" in rejected["reason"]


def test_no_log_line_carries_a_full_account_number(
    client: TestClient, auth: Headers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = account_body(account_number="5566778899001")
    assert client.post("/accounts", json=body, headers=auth(OFFICER)).status_code == 201
    assert client.post("/accounts", json=body, headers=auth(OFFICER)).status_code == 409
    bad = {**body, "opened_on": "not-a-day"}
    assert client.post("/accounts", json=bad, headers=auth(OFFICER)).status_code == 422
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    assert not any("5566778899001" in r.getMessage() for r in caplog.records)
