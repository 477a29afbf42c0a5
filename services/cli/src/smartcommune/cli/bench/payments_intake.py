"""Payments: VietQR payloads per second, and statement rows recorded per second.

What the numbers answer:

1. how many VietQR payloads the service builds and parses (validated field by field, CRC
   checked) per second — against the independent `vietqr-emvco` parser reading the same
   payloads (no validation): the ratio is what strict validation costs;
2. how many rows of a provider's statement one payments process records per second through
   `POST /imports/statements` (token verified, the whole file validated, then each row a
   `cashless_payment.recorded` sealed into its commune's chain with its read-model row, one
   SQLite transaction per row) — against the same request for the same file a second time,
   when every row is recognised as a duplicate and nothing is written: the ratio is what
   recording costs over validating and looking up.

In process (FastAPI's TestClient), SQLite file, tokens from a `LocalIssuer`; every row of the
first import must be accepted and every row of the second must be a duplicate.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory

from fastapi.testclient import TestClient
from vietqr_emvco import VietQRParser  # type: ignore[import-untyped]  # ships no type hints

from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.telemetry import setup_telemetry
from smartcommune.payments.bootstrap import bootstrap, run_migrations
from smartcommune.payments.domain.vietqr import Initiation, VietQR, parse
from smartcommune.payments.entrypoints.app import create_app
from smartcommune.payments.settings import Settings

from .report import Report

PAYLOADS = 20_000
ROWS = 2_000
COLUMNS = "transaction_id,paid_on,amount_vnd,purpose,channel,payer_kind,payer_id,payee_kind,payee_id,household_id,village_code"  # noqa: E501


def _payloads() -> list[str]:
    return [
        VietQR(bank_bin="970415", account=f"{n:013d}", initiation=Initiation.DYNAMIC,
               amount_vnd=10_000 + n, bill_number=f"HS{n:010d}", purpose="LE PHI HO SO").payload()
        for n in range(PAYLOADS)
    ]  # fmt: skip


def _statement() -> bytes:
    lines = [COLUMNS]
    for n in range(ROWS):
        household = f"household-{uuid.UUID(int=(1 << 62) + n, version=4)}"
        lines.append(
            f"BENCH{n:07d},2026-0{n % 9 + 1}-15,{(n % 50 + 1) * 10_000},electricity,"
            f"bank_transfer,household,{household},public_body,EVNNPC,,089200{n % 7 + 1}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def measure(folder: Path) -> Report:
    report = Report("payments intake", ["what", "count", "seconds", "per second", "ratio"])
    payloads = _payloads()
    started = time.perf_counter()
    for payload in payloads:
        parse(payload)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for payload in payloads:
        VietQRParser.parse(payload)
        VietQRParser.verify_checksum(payload)
    theirs = time.perf_counter() - started
    report.add("VietQR parse + validate (ours)", PAYLOADS, ours, _rate(PAYLOADS, ours),
               ours / theirs)  # fmt: skip
    report.add(
        "vietqr-emvco parse + CRC (baseline)", PAYLOADS, theirs, _rate(PAYLOADS, theirs), 1.0
    )

    with LocalIssuer() as issuer:
        settings = Settings(
            database_url=f"sqlite:///{folder / 'payments.db'}", oidc_issuer=issuer.issuer,
            account_key=base64.b64encode(os.urandom(32)).decode(),
        )  # fmt: skip
        run_migrations(settings)
        service = bootstrap(settings, telemetry=setup_telemetry("payments", set_global=False))
        try:
            client = TestClient(create_app(settings, service=service))
            token = issuer.mint("commune.officer", ["commune-officer"],
                                "VN-26/song-lo/cao-phong", "payments", lifetime=3600)  # fmt: skip
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
            url = "/imports/statements?provider=VCB&commune_code=08920"
            data = _statement()
            timings = []
            for expected in ("accepted", "duplicates"):
                started = time.perf_counter()
                answer = client.post(url, content=data, headers=headers)
                timings.append(time.perf_counter() - started)
                if answer.status_code != 200 or answer.json()[expected] != ROWS:
                    raise RuntimeError(f"statement import failed: {answer.text[:500]}")
        finally:
            service.engine.dispose()
    first, again = timings
    report.add("statement rows recorded", ROWS, first, _rate(ROWS, first), first / again)
    report.add("same rows again: duplicates (baseline)", ROWS, again, _rate(ROWS, again), 1.0)
    report.notes.append("ratio = seconds / baseline seconds (higher: slower than the baseline)")
    return report


def run() -> Report:
    with TemporaryDirectory(prefix="bench-payments-") as folder:
        return measure(Path(folder))
