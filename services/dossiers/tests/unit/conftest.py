"""Fixtures for the unit tests: the real app on a SQLite file, tokens from a local issuer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.dossiers.bootstrap import Service, bootstrap, run_migrations
from smartcommune.dossiers.entrypoints.app import create_app
from smartcommune.dossiers.settings import Settings
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.telemetry import setup_telemetry

#: username → (roles, admin_unit), as the demo realm has them
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "commune.officer": (("commune-officer",), "VN-26/song-lo/cao-phong"),
    "neighbour.officer": (("commune-officer",), "VN-26/song-lo/lang-cong"),
    "district.officer": (("district-officer",), "VN-26/song-lo"),
    "province.admin": (("province-admin",), "VN-26"),
    "auditor": (("auditor",), "VN-26"),
    "techteam.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-1"),
}


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="session")
def auth(issuer: LocalIssuer) -> Callable[[str], dict[str, str]]:
    """Headers carrying a token of one of the demo people."""
    tokens: dict[str, str] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in tokens:
            roles, unit = PEOPLE[username]
            tokens[username] = issuer.mint(username, roles, unit, lifetime=3600)
        return {"Authorization": f"Bearer {tokens[username]}"}

    return headers


def make_service(tmp: Path, issuer: LocalIssuer, **overrides: Any) -> Service:
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'dossiers.db'}", oidc_issuer=issuer.issuer, **overrides
    )
    run_migrations(settings)
    return bootstrap(settings, telemetry=setup_telemetry("dossiers", set_global=False))


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


@pytest.fixture
def submission() -> Callable[..., dict[str, Any]]:
    """A valid submission body; keyword arguments override fields."""

    def body(number: str = "000.26.08920-0001", **changes: Any) -> dict[str, Any]:
        return {
            "dossier_number": number,
            "commune_code": "08920",
            "procedure_code": "1.001193",
            "procedure_name": "Đăng ký khai sinh",
            "channel": "full_online",
            "receiving_unit": "Bộ phận một cửa UBND xã Cao Phong",
            "fee_vnd": 0,
            "applicant_ref": "res-7f3a9c",
            "applicant_type": "citizen",
            "applicant_home_commune": "08920",
            "applicant_village": "0892001",
            "submitted_at": "2026-03-02T08:00:00+07:00",
            **changes,
        }

    return body
