"""The service on the real servers: PostgreSQL, Keycloak tokens (audience `techteams`), Kafka.

A team is set up by the commune officer with the demo member's Keycloak account linked; the
member takes a task through its life from their phone, surveys a household and attests a
facility. Everything is relayed to `techteams.events.v1`, read back from the topic and verified
as one chain, and shows in the village projection. A retried write with the same idempotency
key records once. The planning list is built from real identity events: identity's own service
registers households and relays them to a Kafka topic; this service's tracking consumer reads it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from kafka.admin import KafkaAdminClient
from pydantic import SecretStr
from sqlalchemy import func, select

from smartcommune.cli.testing.endpoints import KeycloakEndpoint, PostgresAdmin
from smartcommune.identity.bootstrap import bootstrap as identity_bootstrap
from smartcommune.identity.bootstrap import build_relay as identity_relay
from smartcommune.identity.bootstrap import run_migrations as identity_migrations
from smartcommune.identity.entrypoints.app import create_app as identity_app
from smartcommune.identity.settings import Settings as IdentitySettings
from smartcommune.kit.consumer.testing import create_topics, read_topic, run_consumer
from smartcommune.kit.events import EventEnvelope, verify_chain
from smartcommune.kit.store import UnitOfWork
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.kit.topics import TopicSpec, ensure_topics
from smartcommune.techteams.adapters.tables import households, metadata
from smartcommune.techteams.bootstrap import (
    Service,
    bootstrap,
    build_identity_consumer,
    build_relay,
    run_migrations,
)
from smartcommune.techteams.domain.events import registry
from smartcommune.techteams.entrypoints.app import create_app
from smartcommune.techteams.settings import Settings

pytestmark = pytest.mark.integration
TOPIC = "techteams.events.v1"
USERS = ("commune.officer", "neighbour.officer", "techteam.member", "auditor")


@pytest.fixture
def settings(fresh_postgres_url: str, keycloak: KeycloakEndpoint, kafka_bootstrap: str) -> Settings:
    return Settings(
        database_url=fresh_postgres_url, keycloak_url=keycloak.url,
        keycloak_realm=keycloak.realm, kafka_bootstrap=kafka_bootstrap,
    )  # fmt: skip


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    run_migrations(settings)
    built = bootstrap(settings, telemetry=setup_telemetry("techteams", set_global=False))
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))


@pytest.fixture(scope="module")
def tokens(keycloak: KeycloakEndpoint) -> dict[str, str]:
    return {u: keycloak.password_token(u, "demo-" + u.replace(".", "-")) for u in USERS}


def headers(tokens: dict[str, str], user: str, key: str | None = None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {tokens[user]}",
        "Idempotency-Key": key or f"it-{uuid.uuid4()}",
    }


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def establish(client: TestClient, tokens: dict[str, str], village: str = "0892001") -> Any:
    """A team of five; the demo member's Keycloak account is the youth-union member's."""
    member_subject = jwt.decode(tokens["techteam.member"], options={"verify_signature": False})
    roles = ["leader", "youth_union", "womens_union", "teacher", "commune_official"]
    members: list[dict[str, Any]] = [{"role": r} for r in roles]
    members[1]["account_subject"] = member_subject["sub"]
    body = {"village_code": village, "decision_number": "15/QĐ-UBND",
            "decision_date": "2026-01-15", "members": members}  # fmt: skip
    return ok(client.post("/teams", json=body, headers=headers(tokens, "commune.officer")), 201)


def relay_and_read(service: Service, kafka_bootstrap: str) -> list[EventEnvelope]:
    """Relay the outbox to the real topic, read it back, keep this test's events (by id)."""
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        ensure_topics(admin, [TopicSpec(TOPIC, partitions=3)])  # an existing topic is kept
    finally:
        admin.close()
    relay, engine, producer = build_relay(service.settings, service.telemetry)
    try:
        relay.drain(timeout=60)
    finally:
        producer.close(timeout=10)
        engine.dispose()
    with UnitOfWork(service.engine, read_only=True) as uow:
        ours = {p.envelope.event_id for p in service.store.read_all(uow, after_position=0)}
    records = [r for r in read_topic(kafka_bootstrap, TOPIC) if r.key == b"08920"]
    on_topic = [EventEnvelope.from_wire(r.value) for r in records]
    return [e for e in on_topic if e.event_id in ours]


def test_a_tasks_life_a_survey_and_an_attestation_reach_the_topic_as_one_chain(
    client: TestClient, service: Service, tokens: dict[str, str], kafka_bootstrap: str
) -> None:
    team = establish(client, tokens)
    me = next(m["member_id"] for m in team["members"] if m["role"] == "youth_union")
    assert ok(client.get("/me", headers=headers(tokens, "techteam.member")))["member"] == {
        "member_id": me, "team_id": team["team_id"], "village_code": "0892001",
        "role": "youth_union",
    }  # fmt: skip
    target = f"household-{uuid.uuid4()}"
    body = {"team_id": team["team_id"], "task_type": "e_payment", "target_kind": "household",
            "target_id": target, "due_date": "2099-12-31"}  # fmt: skip

    # the same write twice with one key (an answer lost on 2G): one task, the same answer
    retry = headers(tokens, "commune.officer", key=f"it-retry-{uuid.uuid4()}")
    first = client.post("/tasks", json=body, headers=retry)
    again = client.post("/tasks", json=body, headers=retry)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = client.post("/tasks", json={**body, "task_type": "vneid_install"}, headers=retry)
    assert changed.status_code == 409, changed.text
    assert changed.json()["type"] == "urn:smartcommune:problem:idempotency-key-reused"
    page = ok(client.get(f"/teams/{team['team_id']}/tasks", headers=headers(tokens, "auditor")))
    assert [t["task_id"] for t in page["items"]] == [first.json()["task_id"]]

    task_id = first.json()["task_id"]
    denied = client.post(f"/tasks/{task_id}/assign", json={"member_id": me},
                         headers=headers(tokens, "neighbour.officer"))  # fmt: skip
    assert denied.status_code == 403
    assign = {"member_id": me}
    ok(
        client.post(
            f"/tasks/{task_id}/assign", json=assign, headers=headers(tokens, "techteam.member")
        )
    )
    done = ok(client.post(f"/tasks/{task_id}/complete", json={"outcome": "succeeded"},
                          headers=headers(tokens, "techteam.member")))  # fmt: skip
    assert (done["status"], done["outcome"], done["assignee_member_id"]) == (
        "done",
        "succeeded",
        me,
    )

    survey = {"household_id": target, "village_code": "0892001", "surveyed_on": "2026-03-01",
              "has_fibre": True, "has_4g": True, "smartphones": 3, "working_age_members": 3,
              "working_age_with_online_skills": 2, "members_using_epayment": 2,
              "has_digital_address": True}  # fmt: skip
    recorded = ok(
        client.post("/surveys", json=survey, headers=headers(tokens, "techteam.member")), 201
    )
    assert recorded["surveyed_by"] == me
    evidence = hashlib.sha256(b"photo of the three cameras at the village gate").hexdigest()
    attestation = {"village_code": "0892001", "facility": "security_cameras", "present": True,
                   "count": 3, "attested_on": "2026-03-02",
                   "evidence_sha256": evidence}  # fmt: skip
    member = headers(tokens, "techteam.member")
    ok(client.post("/attestations", json=attestation, headers=member), 201)

    chain = relay_and_read(service, kafka_bootstrap)
    types = [e.event_type for e in chain]
    assert types == [
        "team.established", *["team.member_joined"] * 5, "task.created", "task.assigned",
        "task.completed", "household.surveyed", "facility.attested",
    ]  # fmt: skip
    report = verify_chain(chain, "techteams", "08920")
    assert report.ok, report.problem
    assert {e.unit_path for e in chain} == {"VN-26/song-lo/cao-phong/thon-1"}
    completed = registry.decode(chain[8]).model_dump(mode="json")
    assert (completed["outcome"], completed["member_id"]) == ("succeeded", me)
    attested = registry.decode(chain[10]).model_dump(mode="json")
    assert (attested["count"], attested["attested_by"], attested["evidence_sha256"]) == (
        3, me, evidence,
    )  # fmt: skip
    member_subject = jwt.decode(tokens["techteam.member"], options={"verify_signature": False})
    assert chain[8].actor.subject == member_subject["sub"]

    figures = ok(client.get("/villages/0892001/figures", headers=headers(tokens, "auditor")))
    assert (figures["teams_active"], figures["members"], figures["tasks_done"]) == (1, 5, 1)
    assert figures["households_surveyed"] == 1
    assert figures["share_fibre_or_4g"] == {"numerator": 1, "denominator": 1, "per_mille": 1000}
    assert figures["share_working_age_with_online_skills"]["per_mille"] == 666
    assert [(f["facility"], f["count"]) for f in figures["facilities"]] == [("security_cameras", 3)]


@pytest.fixture
def identity_url(postgres_admin: PostgresAdmin) -> Iterator[str]:
    """identity's own database: services never share one."""
    name = f"test_identity_{uuid.uuid4().hex[:12]}"
    postgres_admin.create_database(name)
    yield postgres_admin.url(name)
    postgres_admin.drop_database(name)


def test_planning_lists_the_households_identity_registered_and_plans_their_visits(
    client: TestClient, service: Service, tokens: dict[str, str], keycloak: KeycloakEndpoint,
    kafka_bootstrap: str, identity_url: str,
) -> None:  # fmt: skip
    # identity, for real: its REST API, its store, its relay, onto a Kafka topic
    topic = f"identity{uuid.uuid4().hex[:8]}.events.v1"
    create_topics(kafka_bootstrap, [topic])
    id_settings = IdentitySettings(
        database_url=identity_url, oidc_issuer=keycloak.issuer, kafka_bootstrap=kafka_bootstrap,
        topic=topic, master_key=SecretStr(base64.b64encode(os.urandom(32)).decode()),
    )  # fmt: skip
    identity_migrations(id_settings)
    identity = identity_bootstrap(
        id_settings, telemetry=setup_telemetry("identity", set_global=False)
    )
    officer = {"Authorization": f"Bearer {tokens['commune.officer']}"}
    try:
        id_client = TestClient(identity_app(id_settings, service=identity))
        village_1 = [
            ok(id_client.post("/households", json={"village_code": "0892001"}, headers=officer),
               201)["household_id"]
            for _ in range(3)
        ]  # fmt: skip
        elsewhere = ok(
            id_client.post("/households", json={"village_code": "0892002"}, headers=officer), 201
        )["household_id"]
        person = {"full_name": "Nguyễn Văn An", "national_id": "001080001234",
                  "date_of_birth": "1980-04-02"}  # fmt: skip
        resident = {"village_code": "0892001", "household_id": village_1[0],
                    "personal_data": person}  # fmt: skip
        ok(id_client.post("/residents", json=resident, headers=officer), 201)
        relay, engine, producer = identity_relay(id_settings, identity.telemetry)
        try:
            relay.drain(timeout=60)
        finally:
            producer.close(timeout=10)
            engine.dispose()
    finally:
        identity.engine.dispose()

    # this service's tracking consumer reads identity's topic into its own database
    settings = service.settings.model_copy(
        update={"identity_topic": topic,
                "identity_consumer": f"techteams.households-{uuid.uuid4().hex[:8]}"}
    )  # fmt: skip
    consumer, _ = build_identity_consumer(settings, service.telemetry, service.engine)

    def known() -> int:
        with UnitOfWork(service.engine, read_only=True) as uow:
            return int(uow.session.scalar(select(func.count()).select_from(households)) or 0)

    run_consumer(kafka_bootstrap, [consumer], until=lambda: known() == 4)

    team = establish(client, tokens)
    officer_w = headers(tokens, "commune.officer")
    survey = {"household_id": village_1[1], "village_code": "0892001", "has_fibre": False,
              "has_4g": True, "smartphones": 1, "working_age_members": 2,
              "working_age_with_online_skills": 1, "members_using_epayment": 0,
              "has_digital_address": False}  # fmt: skip
    ok(client.post("/surveys", json=survey, headers=officer_w), 201)

    listing = ok(client.get("/villages/0892001/unsurveyed-households?months=6",
                            headers=headers(tokens, "techteam.member")))  # fmt: skip
    unsurveyed = {h["household_id"]: h["members"] for h in listing["items"]}
    assert unsurveyed == {village_1[0]: 1, village_1[2]: 0}
    assert elsewhere not in unsurveyed

    plan = {"household_ids": sorted(unsurveyed), "due_date": "2099-06-30", "task_type": "survey"}
    planned = ok(client.post(f"/teams/{team['team_id']}/visit-plans", json=plan,
                             headers=headers(tokens, "techteam.member")), 201)  # fmt: skip
    assert sorted(t["target_id"] for t in planned["tasks"]) == sorted(unsurveyed)
    wrong = {**plan, "household_ids": [elsewhere]}
    refused = client.post(f"/teams/{team['team_id']}/visit-plans", json=wrong,
                          headers=headers(tokens, "commune.officer"))  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "household_ids.0"
    figures = ok(client.get("/villages/0892001/figures", headers=headers(tokens, "auditor")))
    assert (figures["households_known"], figures["households_surveyed"]) == (3, 1)
    assert figures["tasks_by_status"] == {"open": 2}


def test_the_migrations_create_exactly_the_declared_tables_on_postgresql(service: Service) -> None:
    declared = set(metadata.tables)

    def ours(name: str | None, type_: str, _parent: Any) -> bool:
        return type_ != "table" or name in declared

    with service.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        assert compare_metadata(context, metadata) == []
