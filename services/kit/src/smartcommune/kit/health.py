"""Liveness and readiness endpoints for the Kubernetes probes.

`/healthz` answers as long as the process serves HTTP: restarting a pod because Kafka is down
would not bring Kafka back. `/readyz` runs the service's dependency checks, so a pod that cannot
reach its database or broker is taken out of the Service's endpoints until it can. A check that
raises or overruns its timeout counts as failed — a probe must answer, not hang.

    app.include_router(health_router({"database": database_check(engine),
                                      "kafka": kafka_check(settings.kafka_bootstrap)}))
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine

Check = Callable[[], Awaitable[bool] | bool]
AsyncCheck = Callable[[], Coroutine[Any, Any, bool]]
"""What the ready-made checks return: they pass with True and fail by raising (the reason)."""
PROBLEM_JSON = "application/problem+json"


async def _passes(check: Check, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            result = check()
            return bool(await result if inspect.isawaitable(result) else result)
    except Exception:  # a probe reports failure, it never crashes the endpoint
        return False


def health_router(checks: Mapping[str, Check], *, timeout: float = 5.0) -> APIRouter:
    """`GET /healthz` (alive) and `GET /readyz` (every named check passes, run concurrently)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", response_model=None)
    async def readyz() -> dict[str, Any] | JSONResponse:
        names = list(checks)
        results = await asyncio.gather(*(_passes(checks[n], timeout) for n in names))
        failing = [name for name, ok in zip(names, results, strict=True) if not ok]
        if not failing:
            return {"status": "ready", "checks": dict.fromkeys(names, "pass")}
        problem = {
            "type": "urn:smartcommune:problem:not-ready",
            "title": "Service not ready",
            "status": 503,
            "detail": f"Failing checks: {', '.join(failing)}",
            "failing_checks": failing,
        }
        return JSONResponse(problem, status_code=503, media_type=PROBLEM_JSON)

    return router


def database_check(engine: Engine, *, timeout: float = 2.0) -> AsyncCheck:
    """`SELECT 1` through `engine`, in a worker thread so a slow database cannot stall the loop.

    On timeout the probe answers "not ready" at once; the abandoned thread finishes on its own
    when the driver gives up (set the driver's connect timeout in the engine URL to bound it).
    """

    async def check() -> bool:
        async with asyncio.timeout(timeout):
            await asyncio.to_thread(_select_one, engine)
        return True

    return check


def _select_one(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def kafka_check(bootstrap: str, *, timeout: float = 2.0, **client_options: Any) -> AsyncCheck:
    """A metadata request to the cluster at `bootstrap` (`host:port[,host:port]`).

    Uses aiokafka's client (already here through FastStream) rather than kafka-python: it is
    native asyncio, so no thread is needed, and closing it after a failed bootstrap releases
    everything, whereas kafka-python 3's admin client leaves its I/O thread running when the
    broker is unreachable — one leaked thread per probe. `client_options` carry TLS/SASL settings.
    """
    from aiokafka.client import AIOKafkaClient  # imported on use: nothing connects at import

    async def check() -> bool:
        client = AIOKafkaClient(
            bootstrap_servers=bootstrap,
            request_timeout_ms=int(timeout * 1000),
            client_id="smartcommune-readiness",
            **client_options,
        )
        try:
            async with asyncio.timeout(timeout):
                await client.bootstrap()  # sends a MetadataRequest and waits for the answer
            return True
        finally:
            await client.close()

    return check
