"""The service on the real servers: PostgreSQL, Keycloak tokens, Kafka.

A dossier with a fee is submitted to the real dossiers service and relayed onto
`dossiers.events.v1`; the payments consumer turns it into a fee request with its VietQR code
(checked by the independent parser); the bank's signed webhook pays it (a forged, a replayed and
a stale notification are refused); the dossier's fee shows as paid, and the payments events reach
`payments.events.v1` as one verifiable chain without a full account number. A provider's
statement imported twice adds nothing the second time.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka.admin import KafkaAdminClient
from pydantic import SecretStr
from sqlalchemy import select
from vietqr_emvco import VietQRParser  # type: ignore[import-untyped]  # ships no type hints

from smartcommune.cli.testing.endpoints import KeycloakEndpoint, PostgresAdmin
from smartcommune.dossiers.bootstrap import bootstrap as dossiers_bootstrap
from smartcommune.dossiers.bootstrap import build_relay as dossiers_relay
from smartcommune.dossiers.bootstrap import run_migrations as dossiers_migrations
from smartcommune.dossiers.entrypoints.app import create_app as dossiers_app
from smartcommune.dossiers.settings import Settings as DossiersSettings
from smartcommune.identity.bootstrap import bootstrap as identity_bootstrap
from smartcommune.identity.bootstrap import build_relay as identity_relay
from smartcommune.identity.bootstrap import run_migrations as identity_migrations
from smartcommune.identity.entrypoints.app import create_app as identity_app
from smartcommune.identity.settings import Settings as IdentitySettings
from smartcommune.kit.consumer import TrackingConsumer
from smartcommune.kit.consumer.testing import caught_up, create_topics, read_topic, run_consumer
from smartcommune.kit.events import EventEnvelope, verify_chain
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.kit.topics import TopicSpec, ensure_topics
from smartcommune.payments.adapters.tables import fee_requests
from smartcommune.payments.application.fees import DossierFees
from smartcommune.payments.application.residents import apply_identity_event
from smartcommune.payments.bootstrap import Service, bootstrap, build_relay, run_migrations
from smartcommune.payments.domain.fee import CollectingAccount
from smartcommune.payments.domain.values import VIETNAM
from smartcommune.payments.domain.vietqr import parse
from smartcommune.payments.entrypoints.app import create_app
from smartcommune.payments.settings import Settings

from ..unit.helpers import account_body, household, resident, signed

pytestmark = pytest.mark.integration
DOSSIERS_TOPIC, PAYMENTS_TOPIC = "dossiers.events.v1", "payments.events.v1"
PASSWORDS = {
    "commune.officer": "demo-commune-officer",
    "neighbour.officer": "demo-neighbour-officer",
    "district.officer": "demo-district-officer",
}
COLLECTING = {"bank_bin": "970405", "account": "2600201008920", "name": "UBND XA CAO PHONG"}
SECRET = "integration-webhook-secret"


class EveryCommune(Mapping[str, CollectingAccount]):
    """The shared topic holds other tests' dossiers too: give every commune an account, so none
    of them is dead-lettered by this test's consumer."""

    account = CollectingAccount(COLLECTING["bank_bin"], COLLECTING["account"], COLLECTING["name"])

    def __getitem__(self, code: str) -> CollectingAccount:
        return self.account

    def __iter__(self) -> Iterator[str]:
        return iter(("08920",))

    def __len__(self) -> int:
        return 1


@pytest.fixture
def settings(fresh_postgres_url: str, keycloak: KeycloakEndpoint, kafka_bootstrap: str) -> Settings:
    return Settings(
        database_url=fresh_postgres_url,
        keycloak_url=keycloak.url,
        keycloak_realm=keycloak.realm,
        kafka_bootstrap=kafka_bootstrap,
        collecting_accounts={"08920": COLLECTING},
        webhook_secrets={"VCB": SECRET},
        account_key=base64.b64encode(os.urandom(32)).decode(),
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    run_migrations(settings)
    built = bootstrap(settings, telemetry=setup_telemetry("payments", set_global=False))
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))


@pytest.fixture(scope="module")
def tokens(keycloak: KeycloakEndpoint) -> dict[str, dict[str, str]]:
    return {
        user: {"Authorization": f"Bearer {keycloak.password_token(user, password)}"}
        for user, password in PASSWORDS.items()
    }


@pytest.fixture
def dossiers_url(postgres_admin: PostgresAdmin) -> Iterator[str]:
    name = f"test_dossiers_{uuid.uuid4().hex[:12]}"
    postgres_admin.create_database(name)
    yield postgres_admin.url(name)
    postgres_admin.drop_database(name)


def _topics(kafka_bootstrap: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:  # an existing topic is kept as it is
        ensure_topics(admin, [TopicSpec(DOSSIERS_TOPIC, 64), TopicSpec(PAYMENTS_TOPIC, 64)])
    finally:
        admin.close()


def submit_dossier_with_fee(
    url: str, keycloak: KeycloakEndpoint, kafka_bootstrap: str, headers: dict[str, str]
) -> dict[str, Any]:
    """The real dossiers service records the dossier and its relay publishes it."""
    settings = DossiersSettings(
        database_url=url,
        keycloak_url=keycloak.url,
        keycloak_realm=keycloak.realm,
        kafka_bootstrap=kafka_bootstrap,
    )
    dossiers_migrations(settings)
    built = dossiers_bootstrap(settings, telemetry=setup_telemetry("dossiers", set_global=False))
    try:
        body = {
            "dossier_number": f"000.26.08920-IT{uuid.uuid4().hex[:8]}",
            "commune_code": "08920",
            "procedure_code": "2.000815",
            "procedure_name": "Chứng thực bản sao",
            "channel": "full_online",
            "receiving_unit": "Trung tâm Phục vụ hành chính công",
            "fee_vnd": 25_000,
            "applicant_ref": resident(7),
            "applicant_type": "citizen",
            "applicant_home_commune": "08920",
            "applicant_village": "0892001",
        }
        answer = TestClient(dossiers_app(settings, service=built)).post(
            "/dossiers", json=body, headers=headers
        )
        assert answer.status_code == 201, answer.text
        relay, engine, producer = dossiers_relay(settings, built.telemetry)
        try:
            assert relay.drain(timeout=60) == 1
        finally:
            producer.close(timeout=10)
            engine.dispose()
        return dict(answer.json())
    finally:
        built.engine.dispose()


def notification(bill: str, **changes: Any) -> dict[str, Any]:
    return {
        "notification_id": f"IT-N-{uuid.uuid4().hex}",
        "transaction_id": f"IT{uuid.uuid4().hex[:14]}",
        "account_number": COLLECTING["account"],
        "amount_vnd": 25_000,
        "paid_at": datetime.now(VIETNAM).isoformat(),
        "channel": "qr",
        "bill_number": bill,
        **changes,
    }


def test_a_dossier_fee_goes_from_kafka_to_qr_to_a_signed_payment_to_paid(
    client: TestClient,
    service: Service,
    tokens: dict[str, dict[str, str]],
    keycloak: KeycloakEndpoint,
    kafka_bootstrap: str,
    dossiers_url: str,
) -> None:
    officer = tokens["commune.officer"]
    _topics(kafka_bootstrap)
    dossier = submit_dossier_with_fee(dossiers_url, keycloak, kafka_bootstrap, officer)
    dossier_id = dossier["dossier_id"]

    def requested() -> bool:
        with UnitOfWork(service.engine, read_only=True) as uow:
            query = select(fee_requests.c.fee_id).where(fee_requests.c.dossier_id == dossier_id)
            return uow.session.scalar(query) is not None

    consumer = TrackingConsumer(
        f"payments.fees-it{uuid.uuid4().hex[:8]}",
        DOSSIERS_TOPIC,
        service.engine,
        DossierFees(service.store, EveryCommune()),
    )
    run_consumer(kafka_bootstrap, [consumer], requested, timeout=120)

    fee = client.get(f"/dossiers/{dossier_id}/fee", headers=officer)
    assert fee.status_code == 200, fee.text
    fee_body = fee.json()
    assert (fee_body["status"], fee_body["amount_vnd"]) == ("requested", 25_000)
    payload = fee_body["vietqr_payload"]
    qr = parse(payload)
    assert (qr.bank_bin, qr.account, qr.amount_vnd) == ("970405", "2600201008920", 25_000)
    theirs = VietQRParser.parse(payload)
    assert VietQRParser.verify_checksum(payload)
    assert (theirs["bank_bin"], theirs["account_number"], theirs["amount"]) == (
        "970405",
        "2600201008920",
        25_000.0,
    )
    assert VietQRParser.parse_raw(theirs["raw_tags"]["62"])["01"] == fee_body["bill_number"]
    assert (
        client.get(f"/dossiers/{dossier_id}/fee", headers=tokens["neighbour.officer"]).status_code
        == 403
    )

    # the bank's notifications: forged, stale, valid, replayed
    body, headers = signed(notification(fee_body["bill_number"]), secret="not-the-secret")
    assert client.post("/webhooks/VCB", content=body, headers=headers).status_code == 401
    body, headers = signed(
        notification(fee_body["bill_number"]), secret=SECRET, timestamp=int(time.time()) - 900
    )
    stale = client.post("/webhooks/VCB", content=body, headers=headers)
    assert stale.status_code == 401
    assert stale.json()["type"].endswith("webhook-stale")
    body, headers = signed(notification(fee_body["bill_number"]), secret=SECRET)
    valid = client.post("/webhooks/VCB", content=body, headers=headers)
    assert valid.status_code == 200, valid.text
    assert valid.json()["fee_status"] == "paid"
    replayed = client.post("/webhooks/VCB", content=body, headers=headers)
    assert replayed.status_code == 409
    assert replayed.json()["type"].endswith("webhook-replayed")

    paid = client.get(f"/dossiers/{dossier_id}/fee", headers=tokens["district.officer"]).json()
    assert (paid["paid"], paid["paid_on"], paid["channel"]) == (
        True,
        fee_body["requested_on"],
        "qr",
    )

    # an account too, then everything to the topic: one chain, no full account number
    opened = client.post(
        "/accounts", json=account_body(account_number="0011001932418"), headers=officer
    )
    assert opened.status_code == 201, opened.text
    relay, engine, producer = build_relay(service.settings, service.telemetry)
    try:
        published = relay.drain(timeout=60)
    finally:
        producer.close(timeout=10)
        engine.dispose()
    with UnitOfWork(service.engine, read_only=True) as uow:
        ours = {p.envelope.event_id for p in service.store.read_all(uow, limit=10_000)}
    assert published == len(ours)
    records = [r for r in read_topic(kafka_bootstrap, PAYMENTS_TOPIC) if r.key == b"08920"]
    assert not any(b"0011001932418" in r.value for r in records)
    chain = [e for e in (EventEnvelope.from_wire(r.value) for r in records) if e.event_id in ours]
    report = verify_chain(chain, "payments", "08920")
    assert report.ok, report.problem
    mine = [e for e in chain if e.stream_id in (paid["fee_id"], paid["payment_id"])]
    assert [e.event_type for e in mine] == [
        "fee_payment.requested",
        "cashless_payment.recorded",
        "fee_payment.paid",
    ]
    assert mine[0].payload["dossier_id"] == dossier_id
    assert mine[0].payload["vietqr_payload"] == payload


HEADER = (
    "transaction_id,paid_on,amount_vnd,purpose,channel,payer_kind,payer_id,payee_kind,payee_id,"
    "household_id,village_code"
)


BILLS = ("electricity", "water", "school_fee")


def test_importing_the_same_statement_twice_adds_nothing(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    rows = [
        f"IT-S-{n},2026-0{n % 9 + 1}-1{n % 10},{(n + 1) * 10_000},{BILLS[n % 3]},"
        f"bank_transfer,household,{household(n)},public_body,EVNNPC,,089200{n % 7 + 1}"
        for n in range(200)
    ]
    data = ("\r\n".join([HEADER, *rows]) + "\r\n").encode()
    url = "/imports/statements?provider=VCB&commune_code=08920"
    files = {"file": ("statement.csv", data, "text/csv")}
    officer = tokens["commune.officer"]
    started = time.perf_counter()
    first = client.post(url, files=files, headers=officer)
    elapsed = time.perf_counter() - started
    assert first.status_code == 200, first.text
    assert (first.json()["accepted"], first.json()["rejected"]) == (200, [])
    again = client.post(url, files=files, headers=officer)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 200)
    assert client.post(url, files=files, headers=tokens["neighbour.officer"]).status_code == 403
    listed = client.get("/units/08920/payments?limit=500", headers=tokens["district.officer"])
    assert listed.json()["total"] == 200
    adoption = client.get("/units/08920/adoption?as_of=2026-12-31", headers=officer).json()
    assert adoption["figures"]["households_paying_bills_cashless"]["denominator"] == 0
    assert elapsed < 60, f"200 rows took {elapsed:.1f} s"


def test_adoption_counts_residents_registered_by_the_real_identity_service(
    client: TestClient, service: Service, tokens: dict[str, dict[str, str]],
    keycloak: KeycloakEndpoint, kafka_bootstrap: str, postgres_admin: PostgresAdmin,
) -> None:  # fmt: skip
    """Residents and a household registered through identity's REST API reach the payments
    consumer over Kafka (a private topic, so no other test's residents count); an account and a
    bill paid cashless then give exact adoption figures."""
    topic = f"identity{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [topic])
    database = f"test_identity_{uuid.uuid4().hex[:12]}"
    postgres_admin.create_database(database)
    officer = tokens["commune.officer"]
    try:
        settings = IdentitySettings(
            database_url=postgres_admin.url(database), oidc_issuer=keycloak.issuer,
            audience="identity", kafka_bootstrap=kafka_bootstrap, topic=topic,
            master_key=SecretStr(base64.b64encode(os.urandom(32)).decode()),
        )  # fmt: skip
        identity_migrations(settings)
        built = identity_bootstrap(
            settings, telemetry=setup_telemetry("identity", set_global=False)
        )
        identity = TestClient(identity_app(settings, service=built))
        home = identity.post("/households", json={"village_code": "0892003"}, headers=officer)
        assert home.status_code == 201, home.text
        household_id = home.json()["household_id"]
        people = [("001090001122", "Nguyễn Văn Tư", "1990-04-01"),
                  ("001085003344", "Trần Thị Hoa", "1985-09-12"),
                  ("001219005566", "Nguyễn Minh An", "2019-01-20")]  # fmt: skip
        ids = []
        for national_id, name, born in people:
            data = {"full_name": name, "national_id": national_id, "date_of_birth": born}
            body = {"village_code": "0892003", "household_id": household_id, "personal_data": data}
            answer = identity.post("/residents", json=body, headers=officer)
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["resident_id"])
        relay, engine, producer = identity_relay(settings, built.telemetry)
        try:
            assert relay.drain(timeout=60) >= 4
        finally:
            producer.close(timeout=10)
            engine.dispose()
            built.engine.dispose()
    finally:
        postgres_admin.drop_database(database)

    group = f"payments.residents-it{uuid.uuid4().hex[:8]}"
    consumer = TrackingConsumer(group, topic, service.engine, apply_identity_event)
    run_consumer(kafka_bootstrap, [consumer], lambda: caught_up(kafka_bootstrap, group, topic))

    father = account_body(holder_id=ids[0], village_code="0892003", account_number="1903123456")
    assert client.post("/accounts", json=father, headers=officer).status_code == 201
    bill = {
        "provider": "VCB", "transaction_id": f"IT-EVN-{uuid.uuid4().hex[:8]}",
        "purpose": "electricity", "channel": "bank_transfer", "amount_vnd": 240_000,
        "payer_kind": "resident", "payer_id": ids[1], "household_id": household_id,
        "payee_kind": "public_body", "payee_id": "EVNNPC", "village_code": "0892003",
        "paid_on": "2026-05-05",
    }  # fmt: skip
    assert client.post("/payments", json=bill, headers=officer).status_code == 201
    answer = client.get(
        "/units/08920/adoption?as_of=2026-06-30", headers=tokens["district.officer"]
    )
    assert answer.status_code == 200, answer.text
    village = next(v for v in answer.json()["villages"] if v["unit"]["code"] == "0892003")
    figures = village["figures"]
    # two adults of working age, one with an account; the child does not count
    assert figures["working_age_with_account"]["numerator"] == 1
    assert figures["working_age_with_account"]["denominator"] == 2
    assert figures["households_paying_bills_cashless"]["numerator"] == 1
    assert figures["households_paying_bills_cashless"]["denominator"] == 1
