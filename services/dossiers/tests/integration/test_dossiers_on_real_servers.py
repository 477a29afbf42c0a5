"""The service on the real servers: PostgreSQL, Keycloak tokens, Kafka.

A dossier's whole life goes through the REST API with officials' Keycloak tokens, is relayed to
`dossiers.events.v1` and read back as one verifiable chain; the statistics match a hand-computed
example, also after a rebuild; the neighbouring commune is refused; an import twice adds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka.admin import KafkaAdminClient

from smartcommune.cli.testing.endpoints import KeycloakEndpoint
from smartcommune.dossiers.adapters.projection import rebuild_projections
from smartcommune.dossiers.bootstrap import Service, bootstrap, build_relay, run_migrations
from smartcommune.dossiers.domain.events import registry
from smartcommune.dossiers.entrypoints.app import create_app
from smartcommune.dossiers.settings import Settings
from smartcommune.dossiers.testing import synthetic_export, to_csv
from smartcommune.kit.consumer.testing import read_topic
from smartcommune.kit.events import EventEnvelope, verify_chain
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.kit.topics import TopicSpec, ensure_topics

pytestmark = pytest.mark.integration
TOPIC = "dossiers.events.v1"
PASSWORDS = {
    "commune.officer": "demo-commune-officer",
    "neighbour.officer": "demo-neighbour-officer",
    "district.officer": "demo-district-officer",
}


@pytest.fixture
def settings(fresh_postgres_url: str, keycloak: KeycloakEndpoint, kafka_bootstrap: str) -> Settings:
    return Settings(
        database_url=fresh_postgres_url,
        keycloak_url=keycloak.url,
        keycloak_realm=keycloak.realm,
        kafka_bootstrap=kafka_bootstrap,
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    run_migrations(settings)
    built = bootstrap(settings, telemetry=setup_telemetry("dossiers", set_global=False))
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


def submit(client: TestClient, headers: dict[str, str], number: str, **changes: Any) -> Any:
    body = {
        "dossier_number": number, "commune_code": "08920", "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh", "channel": "full_online",
        "receiving_unit": "Trung tâm Phục vụ hành chính công", "applicant_ref": "res-it-0001",
        "applicant_type": "citizen", "applicant_home_commune": "08920",
        "applicant_village": "0892003", "submitted_at": "2026-03-02T08:00:00+07:00", **changes,
    }  # fmt: skip
    response = client.post("/dossiers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def step(client: TestClient, headers: dict[str, str], dossier: Any, name: str, when: str,
         **fields: Any) -> Any:  # fmt: skip
    body = {"expected_version": dossier["version"], "occurred_at": f"{when}+07:00", **fields}
    response = client.post(f"/dossiers/{dossier['dossier_id']}/{name}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


LIFE = [
    ("receive", "2026-03-02T09:00:00", {"appointment_date": "2026-03-06"}),
    ("start-processing", "2026-03-02T10:00:00", {}),
    ("request-supplement", "2026-03-03T09:00:00", {"reason": "Thiếu bản sao giấy tờ"}),
    ("supplement", "2026-03-05T09:00:00", {}),
    ("extend", "2026-03-06T09:00:00", {"new_due_date": "2026-03-11", "reason": "Cần xác minh",
                                        "apology": "Thư xin lỗi số 07/TXL"}),
    ("resolve", "2026-03-10T15:00:00", {}),
    ("return-result", "2026-03-11T08:00:00", {}),
    ("rate", "2026-03-11T09:00:00", {"satisfaction": "very_satisfied"}),
]  # fmt: skip


def test_a_dossiers_whole_life_reaches_the_topic_as_one_verifiable_chain(
    client: TestClient, service: Service, tokens: dict[str, dict[str, str]], kafka_bootstrap: str
) -> None:
    officer, neighbour = tokens["commune.officer"], tokens["neighbour.officer"]
    dossier = submit(client, officer, "IT-LIFE-0001")
    for name, when, fields in LIFE:
        denied = client.post(
            f"/dossiers/{dossier['dossier_id']}/{name}",
            json={"expected_version": dossier["version"], **fields}, headers=neighbour,
        )  # fmt: skip
        assert denied.status_code == 403
        dossier = step(client, officer, dossier, name, when, **fields)
    assert (dossier["status"], dossier["version"], dossier["on_time"]) == ("rated", 9, True)
    assert client.get(f"/dossiers/{dossier['dossier_id']}", headers=neighbour).status_code == 403

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        ensure_topics(admin, [TopicSpec(TOPIC, partitions=3)])  # an existing topic is kept
    finally:
        admin.close()
    relay, engine, producer = build_relay(service.settings, service.telemetry)
    try:
        assert relay.drain(timeout=60) == 9
    finally:
        producer.close(timeout=10)
        engine.dispose()

    history = client.get(f"/dossiers/{dossier['dossier_id']}", headers=officer).json()["history"]
    ours = {entry["event_id"] for entry in history}
    records = [r for r in read_topic(kafka_bootstrap, TOPIC) if r.key == b"08920"]
    chain = [e for e in (EventEnvelope.from_wire(r.value) for r in records) if e.event_id in ours]
    assert [e.event_type for e in chain] == [
        "dossier.submitted", "dossier.received", "dossier.processing_started",
        "dossier.supplement_requested", "dossier.supplemented", "dossier.extended",
        "dossier.resolved", "dossier.result_returned", "dossier.rated",
    ]  # fmt: skip
    report = verify_chain(chain, "dossiers", "08920")
    assert report.ok, report.problem
    assert report.frontier.hash == history[-1]["hash"]
    resolved = registry.decode(chain[6])
    assert resolved.model_dump(mode="json")["on_time"] is True
    assert {e.unit_path for e in chain} == {"VN-26/song-lo/cao-phong"}


def test_statistics_match_a_hand_computed_example_and_survive_a_rebuild(
    client: TestClient, service: Service, tokens: dict[str, dict[str, str]]
) -> None:
    officer = tokens["commune.officer"]
    x = submit(client, officer, "IT-STAT-X", channel="full_online")
    x = step(client, officer, x, "receive", "2026-03-02T09:00:00", appointment_date="2026-03-05")
    x = step(client, officer, x, "resolve", "2026-03-04T09:00:00")  # 2 days, on time
    x = step(client, officer, x, "return-result", "2026-03-04T10:00:00")
    step(client, officer, x, "rate", "2026-03-04T11:00:00", satisfaction="satisfied")
    y = submit(client, officer, "IT-STAT-Y", channel="in_person")
    y = step(client, officer, y, "receive", "2026-03-02T09:00:00", appointment_date="2026-03-03")
    step(client, officer, y, "resolve", "2026-03-05T09:00:00")  # 3 days, late
    z = submit(client, officer, "IT-STAT-Z", channel="partial_online")
    step(client, officer, z, "refuse", "2026-03-02T09:30:00", reason="Không thuộc thẩm quyền")

    def figures() -> Any:
        url = "/units/253/statistics?from=2026-03-01&to=2026-03-31"
        answer = client.get(url, headers=tokens["district.officer"])
        assert answer.status_code == 200, answer.text
        return answer.json()["figures"]

    expected = {
        "submitted": 3,
        "by_status": {"rated": 1, "refused": 1, "resolved": 1},
        "resolved": 2,
        "share_resolved_online": {"numerator": 1, "denominator": 2, "value": "0.5000"},
        "share_full_process": {"numerator": 1, "denominator": 3, "value": "0.3333"},
        "share_on_time": {"numerator": 1, "denominator": 2, "value": "0.5000"},
        "mean_processing_days": "2.50",
        "share_satisfied": {"numerator": 1, "denominator": 1, "value": "1.0000"},
    }
    assert figures() == expected
    assert rebuild_projections(service.engine) == 3
    assert figures() == expected


def test_importing_the_same_export_twice_adds_nothing(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    data = to_csv(synthetic_export("08920", 500, seed=5))
    files = {"file": ("export.csv", data, "text/csv")}
    started = time.perf_counter()
    first = client.post(
        "/imports?commune_code=08920", files=files, headers=tokens["commune.officer"]
    )
    elapsed = time.perf_counter() - started
    assert first.status_code == 200, first.text
    assert (first.json()["accepted"], first.json()["rejected"]) == (500, [])
    again = client.post(
        "/imports?commune_code=08920", files=files, headers=tokens["commune.officer"]
    )
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 500)
    denied = client.post(
        "/imports?commune_code=08920", files=files, headers=tokens["neighbour.officer"]
    )
    assert denied.status_code == 403
    assert elapsed < 60, f"500 rows took {elapsed:.1f} s"
