"""Dossier submissions per second through the REST API, against the same server's `/healthz`.

What the number answers: how many `POST /dossiers` one dossiers process accepts per second —
each one a bearer token verified (RS256 signature, issuer, audience, expiry), a body validated
into a command, a unit directory lookup and authorisation, the aggregate's first event sealed
into its commune's hash chain with its outbox row and the read-model row, one SQLite
transaction — and how long a caller waits (p50, p99). The baseline is the very same HTTP server
answering `GET /healthz` (no token, no body, no database): the ceiling of uvicorn + FastAPI +
the tracing middleware on this machine, so the ratio shows what auth, validation and the append
cost on top of serving HTTP at all.

The server is the production entry point (`python -m smartcommune.dossiers.entrypoints.serve`,
one uvicorn process, SQLite file in WAL mode) in a subprocess, so client and server do not share
a GIL; the token verifier fetches its keys over HTTP from a `LocalIssuer` in this process, as
it would from Keycloak. Clients: `CLIENTS` threads, each with its own keep-alive httpx client,
released together; submissions are built before the clock starts. Rounds alternate which side
goes first, after an untimed warm-up of both. Every submission must answer 201, and the read
model must hold exactly as many dossiers as were submitted.
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select

from smartcommune.dossiers.adapters.tables import dossier_summaries
from smartcommune.dossiers.application.import_record import SUBMISSION_FIELDS
from smartcommune.dossiers.bootstrap import run_migrations
from smartcommune.dossiers.settings import Settings
from smartcommune.dossiers.testing import synthetic_export
from smartcommune.kit.auth.testing import LocalIssuer

from .report import Report

SUBMISSIONS = 2_000
CLIENTS = 4
ROUNDS = 2
WARMUP = 100
COMMUNE = "08920"  # Cao Phong, in the repository's demo unit directory
#: Bounds the whole run: a request that takes longer than this fails the benchmark.
REQUEST_TIMEOUT = 30.0


@dataclass
class Phase:
    """One kind of request, timed: wall-clock seconds and every request's latency."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        ranked = sorted(self.latencies)
        rank = max(1, math.ceil(p * len(ranked) / 100))
        return ranked[rank - 1] * 1000


@dataclass(frozen=True)
class Result:
    healthz: Phase
    submit: Phase
    alone: Phase  # submissions from one client: no queueing for the write lock
    stored: int  # read-model rows after the run, warm-up included
    expected: int
    clients: int


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    expect: int = 200


# ---------------------------------------------------------------- the server
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def dossiers_server(folder: Path, issuer: LocalIssuer) -> Iterator[tuple[str, Settings]]:
    """The dossiers REST API in a subprocess on a fresh SQLite file: (base URL, its settings)."""
    settings = Settings(
        database_url=f"sqlite:///{folder / 'dossiers.db'}", oidc_issuer=issuer.issuer
    )
    run_migrations(settings)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCOMMUNE_DOSSIERS_")}
    env.update(
        SMARTCOMMUNE_DOSSIERS_DATABASE_URL=settings.database_url,
        SMARTCOMMUNE_DOSSIERS_OIDC_ISSUER=issuer.issuer,
        SMARTCOMMUNE_DOSSIERS_HOST="127.0.0.1",
        SMARTCOMMUNE_DOSSIERS_PORT=str(port),
        SMARTCOMMUNE_DOSSIERS_LOG_LEVEL="WARNING",
        OTEL_TRACES_EXPORTER="none",  # spans are still made, only not shipped anywhere
        OTEL_METRICS_EXPORTER="none",
    )
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "smartcommune.dossiers.entrypoints.serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base_url, process, folder / "server.log")
        yield base_url, settings
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dossiers server exited:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the dossiers server did not answer within 60 s:\n{log.read_text()}")


# ---------------------------------------------------------------- the clients
def submissions(count: int, *, seed: int = 1) -> list[Request]:
    """`count` valid submissions for Cao Phong, each with its own dossier number."""
    requests = []
    for row in synthetic_export(COMMUNE, count, year=2025, seed=seed):
        body = {name: row[name] for name in SUBMISSION_FIELDS if name in row}
        body.update(
            dossier_number=f"{row['dossier_number']}-s{seed}",
            commune_code=COMMUNE,
            submitted_at=row["submitted_at"],
        )
        requests.append(Request("POST", "/dossiers", body, expect=201))
    return requests


def drive(base_url: str, token: str | None, requests: Sequence[Request], clients: int) -> Phase:
    """Send `requests` from `clients` threads at once (round-robin shares); time the whole."""
    phase = Phase(requests[0].path if requests else "")
    shares = [requests[n::clients] for n in range(clients)]
    start = threading.Barrier(clients + 1)
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    def client(share: Sequence[Request]) -> None:
        latencies, failures = [], []
        with httpx.Client(base_url=base_url, headers=headers, timeout=REQUEST_TIMEOUT) as http:
            start.wait()
            for request in share:
                began = time.perf_counter()
                try:
                    answer = http.request(request.method, request.path, json=request.body)
                    if answer.status_code != request.expect:
                        failures.append(f"{answer.status_code}: {answer.text[:200]}")
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                latencies.append(time.perf_counter() - began)
        with lock:
            phase.latencies += latencies
            phase.failures += failures

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def measure(
    total: int = SUBMISSIONS, *, clients: int = CLIENTS, rounds: int = ROUNDS, warmup: int = WARMUP
) -> Result:
    """Start a server, warm it up, then time `total` submissions and as many `/healthz` from
    `clients` threads, and half as many submissions from a single client."""
    healthz, submit = Phase("GET /healthz"), Phase("POST /dossiers")
    with LocalIssuer() as issuer, TemporaryDirectory(prefix="sc-bench-") as tmp:
        token = issuer.mint("commune.officer", ("commune-officer",), lifetime=3600)
        with dossiers_server(Path(tmp), issuer) as (base_url, settings):
            health = [Request("GET", "/healthz")] * (total // rounds)
            drive(base_url, None, health[:warmup], clients)
            drive(base_url, token, submissions(warmup, seed=0), clients)
            for number in range(rounds):
                batch = submissions(total // rounds, seed=number + 1)
                order = [(healthz, None, health), (submit, token, batch)]
                for phase, credential, requests in order if number % 2 == 0 else order[::-1]:
                    timed = drive(base_url, credential, requests, clients)
                    phase.seconds += timed.seconds
                    phase.latencies += timed.latencies
                    phase.failures += timed.failures
            alone = drive(base_url, token, submissions(total // 2, seed=rounds + 1), 1)
            alone.name = "POST /dossiers"
            stored = _stored(settings.database_url)
    expected = warmup + submit.requests + alone.requests
    return Result(healthz, submit, alone, stored, expected, clients)


def _stored(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            count = select(func.count()).select_from(dossier_summaries)
            return int(connection.execute(count).scalar_one())
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the report
def run(total: int = SUBMISSIONS, clients: int = CLIENTS) -> Report:
    result = measure(total, clients=clients)
    report = Report(
        "Dossiers REST submissions",
        ["request", "requests", "clients", "requests/s", "p50 (ms)", "p99 (ms)", "vs /healthz"],
    )
    for phase, clients in (
        (result.healthz, result.clients),
        (result.submit, result.clients),
        (result.alone, 1),
    ):
        report.add(
            phase.name,
            phase.requests,
            clients,
            phase.rate,
            phase.percentile_ms(50),
            phase.percentile_ms(99),
            phase.rate / result.healthz.rate,
        )
    failures = result.healthz.failures + result.submit.failures + result.alone.failures
    report.notes.extend(
        [
            f"Failures: {len(failures)}"
            + (f" (first: {failures[0]})" if failures else "")
            + f"; dossiers in the read model: {result.stored:,} of {result.expected:,} "
            "submitted (warm-up included).",
            "Server: `python -m smartcommune.dossiers.entrypoints.serve` in a subprocess — one "
            "uvicorn process, FastAPI, tracing middleware (spans made, not exported), SQLite "
            "file (WAL, synchronous=FULL), demo unit directory.",
            "POST /dossiers: RS256 bearer token verified per request against the JWKS of a "
            "local issuer (fetched over HTTP once, then cached), body validated into "
            "SubmitDossier, unit lookup and WRITE rule, the dossier.submitted event sealed into "
            "Cao Phong's hash chain with its outbox row and read-model row in one transaction; "
            "answer 201 with the dossier.",
            f"GET /healthz: the same server, no token, no database. {ROUNDS} rounds alternating "
            f"which side goes first, after {WARMUP} untimed requests of each; {result.clients} "
            "client threads with keep-alive httpx clients, in this process.",
            "The 1-client row is the same submissions one at a time: its p99 against the "
            "concurrent row's shows how much of the tail is queueing for SQLite's single write "
            "lock (BEGIN IMMEDIATE; waiters back off in the busy handler), not work.",
        ]
    )
    return report
