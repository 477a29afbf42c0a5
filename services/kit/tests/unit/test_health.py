"""Liveness always answers; readiness names the dependency checks that fail."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import create_engine

from smartcommune.kit.health import Check, database_check, health_router, kafka_check


def _get(checks: Mapping[str, Check], path: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(health_router(checks, timeout=0.5))

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(call())


async def _async_ok() -> bool:
    return True


async def _hangs() -> bool:
    await asyncio.sleep(10)
    return True


def _raises() -> bool:
    raise ConnectionError("refused")


def test_healthz_answers_alive_even_when_dependencies_fail() -> None:
    response = _get({"db": lambda: False}, "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_is_200_when_every_check_passes_sync_or_async() -> None:
    response = _get({"sync": lambda: True, "async": _async_ok}, "/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"sync": "pass", "async": "pass"}


def test_readyz_is_a_503_problem_naming_false_raising_and_hanging_checks() -> None:
    started = time.monotonic()
    response = _get(
        {"ok": lambda: True, "false": lambda: False, "raises": _raises, "hangs": _hangs},
        "/readyz",
    )
    assert time.monotonic() - started < 5  # the hanging check was cut off by the timeout
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 503
    assert problem["failing_checks"] == ["false", "raises", "hangs"]
    assert "hangs" in problem["detail"]


def test_database_check_passes_on_sqlite_and_fails_when_the_file_cannot_open(
    tmp_path: Path,
) -> None:
    good = create_engine(f"sqlite:///{tmp_path / 'ok.db'}")
    bad = create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    response = _get({"good": database_check(good), "bad": database_check(bad)}, "/readyz")
    assert response.json()["failing_checks"] == ["bad"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def test_kafka_check_fails_fast_when_nothing_listens() -> None:
    started = time.monotonic()
    response = _get({"kafka": kafka_check(f"127.0.0.1:{_closed_port()}", timeout=2.0)}, "/readyz")
    assert response.json()["failing_checks"] == ["kafka"]
    assert time.monotonic() - started < 5
