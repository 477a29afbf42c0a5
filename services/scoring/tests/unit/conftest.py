"""Fixtures for the unit tests: the real app on a SQLite file, tokens from a local issuer, and
identity's real CA and `Signing` gRPC server in-process (officials' certificates issued by the
province administrator, exactly as identity's own tests do)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.identity.ca import issuing
from smartcommune.identity.ca.context import CertificationAuthority
from smartcommune.identity.ca.grpc_signing import start_signing_server
from smartcommune.identity.ca.testing import make_ca, person
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.grpc import Serving
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.scoring.adapters.signing import GrpcSigner
from smartcommune.scoring.bootstrap import Service, bootstrap, run_migrations
from smartcommune.scoring.entrypoints.app import create_app
from smartcommune.scoring.settings import Settings

#: username → (roles, admin_unit), as the demo realm has them
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "commune.officer": (("commune-officer",), "VN-26/song-lo/cao-phong"),
    "neighbour.officer": (("commune-officer",), "VN-26/song-lo/lang-cong"),
    "district.officer": (("district-officer",), "VN-26/song-lo"),
    "province.admin": (("province-admin",), "VN-26"),
    "auditor": (("auditor",), "VN-26"),
    "techteam.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-1"),
}
AUDIENCES = ("scoring", "identity")
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)

Headers = Callable[[str], dict[str, str]]


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="session")
def tokens(issuer: LocalIssuer) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def token(username: str) -> str:
        if username not in cache:
            roles, unit = PEOPLE[username]
            cache[username] = issuer.mint(username, roles, unit, AUDIENCES, lifetime=3600)
        return cache[username]

    return token


@pytest.fixture(scope="session")
def auth(tokens: Callable[[str], str]) -> Headers:
    return lambda username: {"Authorization": f"Bearer {tokens(username)}"}


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificationAuthority:
    """Identity's CA; the district officer holds a certificate issued by the province admin."""
    authority = make_ca(tmp_path_factory.mktemp("ca"))
    for username, issuer_name in (("district.officer", "province.admin"),
                                  ("province.admin", "second.admin")):  # fmt: skip
        admin = person(issuer_name, "province-admin", "VN-26")
        roles, unit = PEOPLE[username]
        official = person(username, roles[0], unit)
        issuing.issue_official(
            authority, admin, subject=official.subject, username=username, role=roles[0],
            admin_unit=unit, commune_code=None,
        )  # fmt: skip
    return authority


@pytest.fixture(scope="session")
def signing(ca: CertificationAuthority, issuer: LocalIssuer) -> Iterator[Serving]:
    serving = start_signing_server(ca, issuer.verifier(audience="identity"))
    yield serving
    serving.stop(grace=None)


def make_service(folder: Path, issuer: LocalIssuer, signing: Serving, **overrides: Any) -> Service:
    settings = Settings(
        database_url=f"sqlite:///{folder / 'scoring.db'}", oidc_issuer=issuer.issuer, **overrides
    )
    run_migrations(settings)
    return bootstrap(
        settings,
        telemetry=setup_telemetry("scoring", set_global=False),
        signer=GrpcSigner(f"127.0.0.1:{signing.port}"),
        clock=lambda: NOW,
    )


@pytest.fixture
def service(tmp_path: Path, issuer: LocalIssuer, signing: Serving) -> Iterator[Service]:
    built = make_service(tmp_path, issuer, signing)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))
