"""Fixtures for the unit tests: the real app on a SQLite file, tokens from a local issuer."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.payments.bootstrap import Service, bootstrap, run_migrations
from smartcommune.payments.entrypoints.app import create_app
from smartcommune.payments.settings import Settings

from .helpers import COLLECTING, SECRET

#: username → (roles, admin_unit), as the demo realm has them
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "commune.officer": (("commune-officer",), "VN-26/song-lo/cao-phong"),
    "neighbour.officer": (("commune-officer",), "VN-26/song-lo/lang-cong"),
    "district.officer": (("district-officer",), "VN-26/song-lo"),
    "province.admin": (("province-admin",), "VN-26"),
    "auditor": (("auditor",), "VN-26"),
    "techteam.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-1"),
}
Headers = Callable[[str], dict[str, str]]


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="session")
def auth(issuer: LocalIssuer) -> Headers:
    """Headers carrying a token of one of the demo people (audience `payments`)."""
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            roles, unit = PEOPLE[username]
            tokens[username] = issuer.mint(
                username, roles, unit, audience=("payments",), lifetime=3600
            )
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


def make_settings(tmp: Path, issuer: LocalIssuer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp / 'payments.db'}",
        "oidc_issuer": issuer.issuer,
        "collecting_accounts": COLLECTING,
        "webhook_secrets": {"VCB": SECRET},
        "account_key": base64.b64encode(os.urandom(32)).decode(),
        **overrides,
    }
    return Settings(**values)


def make_service(
    tmp: Path, issuer: LocalIssuer, clock: Callable[[], datetime] | None = None, **overrides: Any
) -> Service:
    settings = make_settings(tmp, issuer, **overrides)
    run_migrations(settings)
    telemetry = setup_telemetry("payments", set_global=False)
    if clock is None:
        return bootstrap(settings, telemetry=telemetry)
    return bootstrap(settings, telemetry=telemetry, clock=clock)


@pytest.fixture(scope="session")
def service_factory(issuer: LocalIssuer) -> Callable[..., Service]:
    """`service_factory(folder, **settings)`: a migrated service on a SQLite file in `folder`."""
    return lambda folder, **overrides: make_service(folder, issuer, **overrides)


@pytest.fixture
def service(tmp_path: Path, issuer: LocalIssuer) -> Iterator[Service]:
    built = make_service(tmp_path, issuer)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))


def now() -> datetime:
    return datetime.now(UTC)
