"""The identity service against the real servers: PostgreSQL, Keycloak's `smartcommune` realm
(audience `identity`) and Kafka, with the kit's relay publishing `identity.events.v1`.

A commune officer registers a household and its residents, records VNeID levels (one refused by
the age rules), and erases a resident. Then: every event is on the topic with a verifiable
chain, no byte on the topic holds a name, ID number, phone or date of birth, the erased data
answers 410, and the counts are what they were before the erasure.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from smartcommune.cli.testing.endpoints import KeycloakEndpoint
from smartcommune.identity.application.commands import RegisterResident
from smartcommune.identity.application.errors import AlreadyRegistered
from smartcommune.identity.application.ports import Caller
from smartcommune.identity.bootstrap import Service, bootstrap, build_relay, run_migrations
from smartcommune.identity.entrypoints.app import create_app
from smartcommune.identity.settings import Settings
from smartcommune.kit.consumer.testing import create_topics, read_topic
from smartcommune.kit.events import Actor, EventEnvelope, verify_chain
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import setup_telemetry

pytestmark = pytest.mark.integration

EVENTS = 1 + 3 + 3 + 3 + 1
PEOPLE = [  # (national ID, name, date of birth, phone) — made up
    ("001078004455", "Đỗ Văn Quang", "1978-09-14", "0903111222"),
    ("001081006677", "Hoàng Thị Lan", "1981-02-03", "0988333444"),
    ("001216008899", "Đỗ Minh Khôi", "2016-11-20", None),
]


@pytest.fixture
def world(
    fresh_postgres_url: str, keycloak: KeycloakEndpoint, kafka_bootstrap: str
) -> Iterator[tuple[TestClient, Service]]:
    topic = f"identity{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [topic])
    settings = Settings(
        database_url=fresh_postgres_url, oidc_issuer=keycloak.issuer, audience="identity",
        kafka_bootstrap=kafka_bootstrap, topic=topic,
        master_key=SecretStr(base64.b64encode(os.urandom(32)).decode()),
    )  # fmt: skip
    run_migrations(settings)
    service = bootstrap(settings, telemetry=setup_telemetry("identity", set_global=False))
    yield TestClient(create_app(settings, service=service)), service
    service.engine.dispose()


def bearer(keycloak: KeycloakEndpoint, username: str) -> dict[str, str]:
    password = "demo-" + username.replace(".", "-")
    return {"Authorization": f"Bearer {keycloak.password_token(username, password)}"}


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_residents_households_vneid_and_erasure_end_to_end(
    world: tuple[TestClient, Service], keycloak: KeycloakEndpoint, kafka_bootstrap: str
) -> None:
    client, service = world
    officer = bearer(keycloak, "commune.officer")
    household = ok(
        client.post("/households", json={"village_code": "0892001"}, headers=officer), 201
    )
    ids = []
    for national_id, name, born, phone in PEOPLE:
        data = {
            "full_name": name,
            "national_id": national_id,
            "date_of_birth": born,
            "phone": phone,
        }
        body = {"village_code": "0892001", "household_id": household["household_id"],
                "personal_data": data}  # fmt: skip
        ids.append(ok(client.post("/residents", json=body, headers=officer), 201)["resident_id"])
    father, mother, child = ids

    level_2 = {"level": "level_2", "changed_on": "2025-05-10", "source": "police_registration"}
    for adult in (father, mother):
        ok(client.post(f"/residents/{adult}/vneid", json=level_2, headers=officer))
    refused = client.post(f"/residents/{child}/vneid", json=level_2, headers=officer)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "level"  # aged 8, no guardian's request
    ok(client.post(f"/residents/{child}/vneid",
                   json={**level_2, "on_request_of_guardian": True}, headers=officer))  # fmt: skip

    neighbour = bearer(keycloak, "neighbour.officer")
    assert (
        client.get(f"/residents/{father}/personal-data?purpose=x1x", headers=neighbour).status_code
        == 403
    )
    auditor = bearer(keycloak, "auditor")
    assert (
        client.get(f"/residents/{father}/personal-data?purpose=x1x", headers=auditor).status_code
        == 403
    )
    before = ok(client.get("/units/08920/counts", headers=auditor))
    assert (before["residents"], before["vneid_level_2"], before["households"]) == (3, 3, 1)

    read = f"/residents/{father}/personal-data?purpose=integration+test"
    assert ok(client.get(read, headers=officer))["national_id"] == PEOPLE[0][0]
    ok(client.post(f"/residents/{father}/erase", json={}, headers=officer))
    assert client.get(read, headers=officer).status_code == 410
    assert ok(client.get("/units/08920/counts", headers=auditor)) == before

    relay, engine, producer = build_relay(service.settings, service.telemetry)
    try:
        # the household; 3 residents and 3 joins; 3 levels; 1 erasure
        assert relay.drain(timeout=60) == EVENTS
    finally:
        producer.close(timeout=10)
        engine.dispose()
    records = read_topic(kafka_bootstrap, service.settings.topic)
    assert {r.key for r in records} == {b"08920"}
    envelopes = [EventEnvelope.from_wire(r.value) for r in records]
    report = verify_chain(envelopes, "identity", "08920")
    assert report.ok, report.problem
    assert report.verified == len(envelopes) == EVENTS
    assert [e.event_type for e in envelopes].count("resident.erased") == 1
    on_the_wire = b"".join(
        r.value + (r.key or b"") + b"".join(v for _, v in r.headers) for r in records
    )
    for person in PEOPLE:
        for secret in filter(None, person):
            assert secret.encode() not in on_the_wire, secret


def test_racing_registrations_of_one_person_record_exactly_one_resident(
    world: tuple[TestClient, Service],
) -> None:
    """Eight writers register the same national ID at once, in two villages: the unique blind
    index lets exactly one through; the others are told it is already registered."""
    _, service = world
    caller = Caller(
        actor=Actor(subject="race-test", role="commune-officer"), authorize=lambda _: None
    )
    data = {"full_name": "Vũ Thị Nga", "national_id": "001190001234", "date_of_birth": "1990-01-01"}

    def register(n: int) -> str:
        village = ("0892001", "0892002")[n % 2]
        command = RegisterResident.model_validate({"village_code": village, "personal_data": data})
        try:
            return str(service.bus.handle(command, caller).id)
        except AlreadyRegistered:
            return "refused"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(register, range(8)))
    assert outcomes.count("refused") == 7, outcomes
    with UnitOfWork(service.engine) as uow:
        assert len(service.store.read_all(uow, after_position=0, limit=100)) == 1
