"""Fixtures for the unit tests: the real app on a SQLite file, tokens from a local issuer, and a
fresh master key per test session (never a fixed one, so no test depends on a known key)."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from smartcommune.identity.bootstrap import Service, bootstrap, run_migrations
from smartcommune.identity.entrypoints.app import create_app
from smartcommune.identity.settings import Settings
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.telemetry import setup_telemetry

Headers = Callable[[str], dict[str, str]]

#: username → (roles, admin_unit), as the demo realm has them
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "commune.officer": (("commune-officer",), "VN-26/song-lo/cao-phong"),
    "neighbour.officer": (("commune-officer",), "VN-26/song-lo/lang-cong"),
    "district.officer": (("district-officer",), "VN-26/song-lo"),
    "province.admin": (("province-admin",), "VN-26"),
    "auditor": (("auditor",), "VN-26"),
    "techteam.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-1"),
}
MASTER_KEY = base64.b64encode(os.urandom(32)).decode()
#: Business "now" of the tests: fixed, so dates in the tests never drift into the future.
TODAY = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def ticking_clock() -> Callable[[], datetime]:
    """TODAY, moving on with real time (so recorded times still increase)."""
    started = time.monotonic()
    return lambda: TODAY + timedelta(seconds=time.monotonic() - started)


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="session")
def auth(issuer: LocalIssuer) -> Headers:
    """Headers carrying a token of one of the demo people."""
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            roles, unit = PEOPLE[username]
            tokens[username] = issuer.mint(username, roles, unit, lifetime=3600)
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


@pytest.fixture(scope="session")
def service_factory(issuer: LocalIssuer) -> Callable[..., Service]:
    def make(tmp: Path, **overrides: Any) -> Service:
        settings = Settings(
            database_url=f"sqlite:///{tmp / 'identity.db'}",
            oidc_issuer=issuer.issuer,
            master_key=SecretStr(MASTER_KEY),
            **overrides,
        )
        run_migrations(settings)
        telemetry = setup_telemetry("identity", set_global=False)
        return bootstrap(settings, telemetry=telemetry, clock=ticking_clock())

    return make


@pytest.fixture
def service(tmp_path: Path, service_factory: Callable[..., Service]) -> Iterator[Service]:
    built = service_factory(tmp_path)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))


def _person(
    national_id: str = "001088012345", born: str = "1988-04-12", **changes: Any
) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Thị Hoa",
        "national_id": national_id,
        "date_of_birth": born,
        "phone": "0912345678",
        **changes,
    }


@pytest.fixture
def person() -> Callable[..., dict[str, Any]]:
    """Personal data of a made-up resident; keyword arguments override fields."""
    return _person


@pytest.fixture
def register(client: TestClient, auth: Headers) -> Callable[..., dict[str, Any]]:
    """Register a resident of Cao Phong as its officer; returns the answer's body."""

    def call(village: str = "0892001", **person_fields: Any) -> dict[str, Any]:
        body = {"village_code": village, "personal_data": _person(**person_fields)}
        answer = client.post("/residents", json=body, headers=auth("commune.officer"))
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    return call
