"""The issue's scenario on REAL Kafka, PostgreSQL and Keycloak.

Six villages' facts are appended by four producers (the kit's `EventStore` with each producing
service's own payload registry, one database each) and relayed to the real topics; scoring
consumes them into PostgreSQL. Five villages meet the smart-village set, one does not: the
proposal for all six is refused naming that village and its failing indicators, the proposal for
the five is decided by the district officer with a real Keycloak token and a certificate issued
by identity's CA, the decision is signed through identity's `Signing` gRPC server (started in-
process), relayed to `scoring.events.v1`, verified with `openssl cms -verify` against the CA
root, and re-evaluated from the topics by `ReplayEvaluator`.

A fresh commune code per run keeps the run's chains apart from everything else on the shared
topics; the commune keeps Cao Phong's path, which is what the Keycloak users are scoped to.
"""

from __future__ import annotations

import base64
import importlib
import json
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi.testclient import TestClient
from kafka.admin import KafkaAdminClient
from pydantic import ConfigDict
from sqlalchemy import func, select

from smartcommune.cli.testing.endpoints import KeycloakEndpoint
from smartcommune.identity.ca import authority, issuing
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.grpc_signing import start_signing_server
from smartcommune.identity.ca.testing import make_ca
from smartcommune.kit.auth import TokenVerifier
from smartcommune.kit.consumer.testing import read_topic, run_consumer
from smartcommune.kit.events import EventEnvelope, EventPayload, PayloadRegistry
from smartcommune.kit.grpc import Serving
from smartcommune.kit.relay import OutboxRelay, make_producer
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.store.tables import metadata as kit_metadata
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.kit.topics import ensure_topics, event_topic_specs
from smartcommune.scoring.adapters.signing import GrpcSigner
from smartcommune.scoring.adapters.tables import inbox
from smartcommune.scoring.application.decisions import signed_content
from smartcommune.scoring.bootstrap import (
    Service,
    bootstrap,
    build_consumers,
    build_relay,
    run_migrations,
)
from smartcommune.scoring.domain.units import DEFAULT_UNITS_FILE
from smartcommune.scoring.entrypoints.app import create_app
from smartcommune.scoring.replay import ReplayEvaluator
from smartcommune.scoring.settings import SOURCE_SERVICES, Settings
from smartcommune.scoring.testing import Fact, VillageProfile, village_facts

pytestmark = pytest.mark.integration

CAO_PHONG = "VN-26/song-lo/cao-phong"


def password(username: str) -> str:
    return "demo-" + username.replace(".", "-")


def units_file(folder: Path, commune: str) -> Path:
    """The demo hierarchy with Cao Phong (08920) and its villages under this run's codes."""
    data = json.loads(DEFAULT_UNITS_FILE.read_text("utf-8"))
    for unit in data["units"]:
        for field in ("code", "parent"):
            if unit[field] and unit[field].startswith("08920"):
                unit[field] = commune + unit[field][5:]
    path = folder / "units.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def producer_registry(service: str, facts: list[Fact]) -> PayloadRegistry:
    """The producing service's own registry (so every payload passes its real schema), or —
    when that package is not installed — one open to every field of the contract's types."""
    try:
        module = importlib.import_module(f"smartcommune.{service}.domain.events")
    except ImportError:
        pass
    else:
        assert isinstance(module.registry, PayloadRegistry)
        return module.registry
    registry = PayloadRegistry(service)
    for event_type in sorted({f.event_type for f in facts}):
        model = type(
            f"Open_{event_type.replace('.', '_')}", (EventPayload,),
            {"event_type": event_type, "event_version": 1,
             "model_config": ConfigDict(frozen=True, extra="allow")},
        )  # fmt: skip
        registry.register(model)
    return registry


def produce(folder: Path, bootstrap_servers: str, service: str, facts: list[Fact]) -> int:
    """Append the facts through the kit's store (one SQLite database per producer), relay them."""
    engine = make_engine(f"sqlite:///{folder / f'{service}.db'}")
    kit_metadata.create_all(engine)
    store = EventStore(producer_registry(service, facts))
    versions: dict[str, int] = {}
    with UnitOfWork(engine) as uow:
        for fact in facts:
            version = versions.get(fact.stream_id, 0)
            store.append(uow, [fact.draft()], expected_version=version)
            versions[fact.stream_id] = version + 1
        uow.commit()
    producer = make_producer(bootstrap_servers, client_id=f"scenario.{service}")
    try:
        return OutboxRelay(engine, store, f"{service}.events.v1", producer).drain()
    finally:
        producer.close(timeout=10)
        engine.dispose()


@pytest.fixture
def ca(tmp_path: Path, keycloak: KeycloakEndpoint) -> CertificationAuthority:
    """Identity's CA; the real district officer's certificate issued by the real province admin."""
    verifier = TokenVerifier(keycloak.issuer, "identity")
    ca = make_ca(tmp_path)
    admin = verifier.verify(keycloak.password_token("province.admin", password("province.admin")))
    official = verifier.verify(
        keycloak.password_token("district.officer", password("district.officer"))
    )
    issuing.issue_official(
        ca, admin, subject=official.subject, username=official.username or "district.officer",
        role="district-officer", admin_unit="VN-26/song-lo", commune_code=None,
    )  # fmt: skip
    return ca


@pytest.fixture
def signing(ca: CertificationAuthority, keycloak: KeycloakEndpoint) -> Iterator[Serving]:
    serving = start_signing_server(ca, TokenVerifier(keycloak.issuer, "identity"))
    yield serving
    serving.stop(grace=None)


def test_six_villages_five_recognised_signed_and_verified_on_real_servers(
    tmp_path: Path,
    kafka_bootstrap: str,
    keycloak: KeycloakEndpoint,
    fresh_postgres_url: str,
    ca: CertificationAuthority,
    signing: Serving,
) -> None:
    # the platform's topics as `smartcommune topics ensure` makes them (a fresh broker has none)
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        ensure_topics(admin, event_topic_specs([*SOURCE_SERVICES, "scoring"]))
    finally:
        admin.close()
    rng = random.Random()
    commune = f"7{rng.randrange(10_000):04d}"
    villages = [f"{commune}0{n}" for n in range(1, 7)]
    facts: list[Fact] = []
    for n, code in enumerate(villages, start=1):
        profile = VillageProfile(with_epayment=3, free_wifi=False) if n == 6 else VillageProfile()
        facts += village_facts(commune, code, f"{CAO_PHONG}/thon-{n}", profile)
    for producer_name in SOURCE_SERVICES:
        mine = [f for f in facts if f.service == producer_name]
        assert produce(tmp_path, kafka_bootstrap, producer_name, mine) == len(mine)

    settings = Settings(
        database_url=fresh_postgres_url, kafka_bootstrap=kafka_bootstrap,
        keycloak_url=keycloak.url, units_file=units_file(tmp_path, commune),
        identity_grpc=f"127.0.0.1:{signing.port}",
        consumer_group=f"scoring.scenario-{commune}",
    )  # fmt: skip
    run_migrations(settings)
    service: Service = bootstrap(
        settings, telemetry=setup_telemetry("scoring", set_global=False),
        signer=GrpcSigner(settings.identity_grpc),
    )  # fmt: skip

    def consumed() -> int:
        with UnitOfWork(service.engine, read_only=True) as uow:
            count = select(func.count()).where(inbox.c.commune_code == commune)
            return int(uow.session.scalar(count) or 0)

    run_consumer(
        kafka_bootstrap, build_consumers(service), lambda: consumed() == len(facts), timeout=240
    )

    client = TestClient(create_app(settings, service=service))
    commune_officer = {
        "Authorization": "Bearer "
        + keycloak.password_token("commune.officer", password("commune.officer"))
    }
    district_officer = {
        "Authorization": "Bearer "
        + keycloak.password_token("district.officer", password("district.officer"))
    }
    card = client.get(
        f"/units/{villages[0]}/scorecard?criteria_set=vp-smart-village", headers=commune_officer
    )
    assert card.status_code == 200, card.text
    assert card.json()["meets"], card.json()

    body: dict[str, Any] = {"criteria_set_id": "vp-smart-village", "unit_codes": villages}
    six = client.post("/proposals", json=body, headers=commune_officer)
    assert six.status_code == 201, six.text
    refused = client.post(
        f"/proposals/{six.json()['proposal_id']}/decision", json={}, headers=district_officer
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"] == "urn:smartcommune:problem:criteria-unmet"
    assert [f["unit_code"] for f in problem["failing"]] == [villages[5]]
    assert {i["indicator_id"] for i in problem["failing"][0]["failing_mandatory"]} == {
        "free-wifi", "working-age-epayment",
    }  # fmt: skip

    body["unit_codes"] = villages[:5]
    five = client.post("/proposals", json=body, headers=commune_officer)
    issued = client.post(
        f"/proposals/{five.json()['proposal_id']}/decision",
        json={"decision_number": f"5/QĐ-UBND-{commune}"}, headers=district_officer,
    )  # fmt: skip
    assert issued.status_code == 201, issued.text

    relay, relay_engine, producer = build_relay(settings, service.telemetry)
    try:
        relay.drain()
    finally:
        producer.close(timeout=10)
        relay_engine.dispose()
    published = [
        EventEnvelope.from_wire(record.value)
        for record in read_topic(kafka_bootstrap, settings.topic)
        if record.value and json.loads(record.value).get("commune_code") == commune
    ]
    (decision,) = [e for e in published if e.event_type == "recognition.decision_issued"]
    payload = decision.model_dump(mode="json")["payload"]
    assert [u["code"] for u in payload["units"]] == villages[:5]
    assert {f["service"] for f in payload["evidence_frontier"]} == {*SOURCE_SERVICES, "scoring"}

    (tmp_path / "content.json").write_bytes(signed_content(payload))
    (tmp_path / "signature.der").write_bytes(base64.b64decode(payload["signature_cms_b64"]))
    _, root = authority.ca_chain(ca)
    (tmp_path / "root.pem").write_bytes(root.public_bytes(Encoding.PEM))
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER",
         "-in", tmp_path / "signature.der", "-content", tmp_path / "content.json",
         "-CAfile", tmp_path / "root.pem", "-purpose", "any", "-out", tmp_path / "out.json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "Verification successful" in verified.stderr

    # the audit's view: every event of the commune read back from the topics, re-evaluated
    topic_events = [
        EventEnvelope.from_wire(record.value)
        for topic in (*settings.source_topics, settings.topic)
        for record in read_topic(kafka_bootstrap, topic)
        if record.value and json.loads(record.value).get("commune_code") == commune
    ]
    check = ReplayEvaluator(units_file=settings.units_file).check(topic_events, decision)
    assert check.criteria_set_ok
    assert check.agrees, check.problems
    service.engine.dispose()
