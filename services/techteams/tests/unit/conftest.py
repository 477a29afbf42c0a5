"""Fixtures for the unit tests: the real app on a SQLite file, tokens from a local issuer, and
helpers that speak the API the way the phone app does (every write with an Idempotency-Key)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.techteams.bootstrap import Service, bootstrap, run_migrations
from smartcommune.techteams.entrypoints.app import create_app
from smartcommune.techteams.settings import Settings

#: username → (roles, admin_unit), as the demo realm has them (plus a second member)
PEOPLE: dict[str, tuple[tuple[str, ...], str]] = {
    "commune.officer": (("commune-officer",), "VN-26/song-lo/cao-phong"),
    "neighbour.officer": (("commune-officer",), "VN-26/song-lo/lang-cong"),
    "district.officer": (("district-officer",), "VN-26/song-lo"),
    "province.admin": (("province-admin",), "VN-26"),
    "auditor": (("auditor",), "VN-26"),
    "techteam.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-1"),
    "other.member": (("techteam-member",), "VN-26/song-lo/cao-phong/thon-2"),
}
#: "Now" for every unit test: dates in bodies are before it.
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
Headers = Callable[..., dict[str, str]]


def subject_of(username: str) -> str:
    """The `sub` the local issuer gives a username (as Keycloak gives each user a UUID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, username))


def household() -> str:
    return f"household-{uuid.uuid4()}"


def resident() -> str:
    return f"resident-{uuid.uuid4()}"


@pytest.fixture(scope="session")
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture(scope="session")
def auth(issuer: LocalIssuer) -> Headers:
    """Headers of one of the demo people; `key=` adds an Idempotency-Key (default: a fresh one)."""
    tokens: dict[str, str] = {}

    def headers(username: str, key: str | None = None) -> dict[str, str]:
        if username not in tokens:
            roles, unit = PEOPLE[username]
            tokens[username] = issuer.mint(username, roles, unit, "techteams", lifetime=3600)
        return {
            "Authorization": f"Bearer {tokens[username]}",
            "Idempotency-Key": key or f"key-{uuid.uuid4()}",
        }

    return headers


def make_service(tmp: Path, issuer: LocalIssuer) -> Service:
    settings = Settings(database_url=f"sqlite:///{tmp / 'techteams.db'}", oidc_issuer=issuer.issuer)
    run_migrations(settings)
    telemetry = setup_telemetry("techteams", set_global=False)
    return bootstrap(settings, telemetry=telemetry, clock=lambda: NOW)


@pytest.fixture(scope="session")
def service_factory(issuer: LocalIssuer) -> Callable[[Path], Service]:
    return lambda folder: make_service(folder, issuer)


@pytest.fixture
def service(tmp_path: Path, issuer: LocalIssuer) -> Iterator[Service]:
    built = make_service(tmp_path, issuer)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(service: Service) -> TestClient:
    return TestClient(create_app(service.settings, service=service))


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def team_body(village: str = "0892001", **changes: Any) -> dict[str, Any]:
    """A team of five with the leader first; the demo member's account on the second."""
    roles = ["leader", "youth_union", "womens_union", "teacher", "commune_official"]
    members: list[dict[str, Any]] = [{"role": r} for r in roles]
    return {
        "village_code": village,
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2026-01-15",
        "members": members,
        **changes,
    }


@pytest.fixture
def team(client: TestClient, auth: Headers) -> dict[str, Any]:
    """Thôn 1's team; `techteam.member` is its second member (youth union)."""
    body = team_body()
    body["members"][1]["account_subject"] = subject_of("techteam.member")
    made: dict[str, Any] = ok(
        client.post("/teams", json=body, headers=auth("commune.officer")), 201
    )
    return made


@pytest.fixture
def other_team(client: TestClient, auth: Headers) -> dict[str, Any]:
    """Thôn 2's team; `other.member` is on it."""
    body = team_body("0892002")
    body["members"][2]["account_subject"] = subject_of("other.member")
    made: dict[str, Any] = ok(
        client.post("/teams", json=body, headers=auth("commune.officer")), 201
    )
    return made


def member_id(team: dict[str, Any], role: str) -> str:
    return str(next(m["member_id"] for m in team["members"] if m["role"] == role))
