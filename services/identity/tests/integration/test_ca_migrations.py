"""The CA's Alembic history on SQLite and a real PostgreSQL, then a full cycle on each: create
the CA, issue, sign, revoke, publish a CRL — the same code the unit tests run on tables made
from the metadata."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from smartcommune.identity.ca import (
    CertificationAuthority,
    current_crl,
    initialise,
    issuing,
    migrate_ca,
    register_ca_events,
    revocation,
    signing,
    verification,
)
from smartcommune.identity.ca.domain import RevocationReason
from smartcommune.identity.ca.testing import person, settings
from smartcommune.kit.events import PayloadRegistry
from smartcommune.kit.store import EventStore, make_engine

pytestmark = pytest.mark.integration

ADMIN = person("province.admin", "province-admin", "VN-26")
DISTRICT = person("district.officer", "district-officer", "VN-26/song-lo")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'identity.db'}"
    else:
        yield request.getfixturevalue("fresh_postgres_url")


def test_migrations_create_the_tables_and_a_full_cycle_runs(database_url: str) -> None:
    migrate_ca(database_url)
    migrate_ca(database_url)  # idempotent
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"ca_keys", "ca_certificates", "ca_crls", "ca_signatures", "events"} <= tables
        store = EventStore(register_ca_events(PayloadRegistry("identity")))
        ca = CertificationAuthority.build(engine, store, settings())
        assert initialise(ca) is True
        assert initialise(ca) is False
        record = issuing.issue_official(
            ca, ADMIN, subject=DISTRICT.subject, username="district.officer",
            role="district-officer", admin_unit="VN-26/song-lo", commune_code=None,
        )  # fmt: skip
        signed = signing.sign(ca, DISTRICT, b"{}", content_type="application/json",
                              purpose="document")  # fmt: skip
        revocation.revoke(ca, ADMIN, record.serial, RevocationReason.CESSATION_OF_OPERATION)
        verdict = verification.verify(ca, b"{}", signed.signature)
        assert verdict.valid
        assert verdict.revoked_at is not None
        assert current_crl(ca) == current_crl(ca)
    finally:
        engine.dispose()
