"""The servers the platform runs on are the real ones: a broker, an identity provider, a database.

These tests exist so that a green `make test` can only mean that Kafka, Keycloak and PostgreSQL
actually ran: a message makes the round trip through the broker with FastStream, Keycloak
issues signed tokens carrying the platform's claims, and PostgreSQL stores Vietnamese text.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import jwt
import pytest
from faststream.kafka import KafkaBroker
from kafka.admin import KafkaAdminClient
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from smartcommune.cli.testing.endpoints import KeycloakEndpoint

pytestmark = pytest.mark.integration


def _create_topic(bootstrap: str, name: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="test-real-servers")
    try:
        admin.create_topics({name: {"num_partitions": 3, "replication_factor": 1}})
    finally:
        admin.close()


def test_a_message_round_trips_through_the_real_broker_with_faststream(
    kafka_bootstrap: str,
) -> None:
    topic = f"test.roundtrip.{uuid.uuid4().hex[:8]}"
    _create_topic(kafka_bootstrap, topic)
    received: list[dict[str, Any]] = []

    async def scenario() -> None:
        arrived = asyncio.Event()
        broker = KafkaBroker(kafka_bootstrap)

        @broker.subscriber(topic, group_id="test.roundtrip", auto_offset_reset="earliest")
        async def handle(body: dict[str, Any]) -> None:
            received.append(body)
            arrived.set()

        async with broker:
            await broker.start()
            await broker.publish({"commune": "Cao Phong", "villages": 5}, topic=topic, key=b"08920")
            await asyncio.wait_for(arrived.wait(), timeout=60)

    asyncio.run(scenario())
    assert received == [{"commune": "Cao Phong", "villages": 5}]


def _verified_claims(keycloak: KeycloakEndpoint, token: str, audience: str) -> dict[str, Any]:
    """Verify the token's signature with the realm's published keys, as a service would."""
    jwks = jwt.PyJWKClient(f"{keycloak.issuer}/protocol/openid-connect/certs")
    key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key.key, algorithms=["RS256"], audience=audience, issuer=keycloak.issuer
    )


def test_keycloak_issues_an_official_a_token_with_role_unit_and_audience(
    keycloak: KeycloakEndpoint,
) -> None:
    token = keycloak.password_token("commune.officer", "demo-commune-officer")
    claims = _verified_claims(keycloak, token, audience="dossiers")

    assert "commune-officer" in claims["realm_access"]["roles"]
    assert "district-officer" not in claims["realm_access"]["roles"]
    assert claims["admin_unit"] == "VN-26/song-lo/cao-phong"
    assert {"dossiers", "identity", "scoring"} <= set(claims["aud"])
    assert claims["preferred_username"] == "commune.officer"


def test_keycloak_refuses_a_wrong_password(keycloak: KeycloakEndpoint) -> None:
    from keycloak.exceptions import KeycloakError

    with pytest.raises(KeycloakError, match="Invalid user credentials"):
        keycloak.password_token("commune.officer", "not-the-password")


def test_a_service_obtains_its_own_token_by_client_credentials(
    keycloak: KeycloakEndpoint,
) -> None:
    assert set(keycloak.client_secrets) >= {"dossiers", "scoring", "identity"}
    token = keycloak.client_token("scoring")
    claims = _verified_claims(keycloak, token, audience="identity")

    assert claims["azp"] == "scoring"
    assert "identity" in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])


def test_postgresql_round_trips_vietnamese_text(fresh_postgres_url: str) -> None:
    engine = create_engine(fresh_postgres_url)
    units = Table(
        "units",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False),
    )
    units.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(units), [{"id": 1, "name": "Xã Cao Phong"}, {"id": 2, "name": "Thôn Đồng Bông"}]
        )
    with engine.connect() as conn:
        names = conn.execute(select(units.c.name).order_by(units.c.id)).scalars().all()
        version = conn.exec_driver_sql("SHOW server_version").scalar_one()
    engine.dispose()

    assert names == ["Xã Cao Phong", "Thôn Đồng Bông"]
    assert int(str(version).split(".")[0]) >= 13
