"""Payments: residents' e-payment accounts and the village merchants (a few opened by the tech
team, the rest by the commune), a year of cashless payments imported from the providers'
statements, and a dossier fee paid by VietQR."""

from __future__ import annotations

import csv
import io
import random
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..api import Api, DemoError, parallel
from ..commune import AS_OF, PROVIDERS, Commune, Person, Village, day
from .identity import People

COLUMNS = ("transaction_id", "paid_on", "amount_vnd", "purpose", "channel", "payer_kind",
           "payer_id", "payee_kind", "payee_id", "household_id", "village_code")  # fmt: skip


@dataclass
class Payments:
    accounts: int = 0
    merchants: int = 0
    imported: int = 0
    fee: dict[str, Any] | None = None
    adoption: dict[str, Any] = field(default_factory=dict)


def _provider(person: Person) -> tuple[str, str]:
    return PROVIDERS[zlib.crc32(person.key.encode()) % len(PROVIDERS)]


def open_accounts(payments: Api, commune: Commune, people: People) -> int:
    todo = [(v, p) for v in commune.villages for p in v.people if p.epayment]

    def one(item: tuple[Village, Person]) -> None:
        village, person = item
        kind, provider = _provider(person)
        digits = f"{zlib.crc32(person.national_id.encode()):010d}{person.date_of_birth:%d%m}"
        opened = day(10 + zlib.crc32(person.key.encode()) % 300)
        payments.post("/accounts", {
            "holder_kind": "resident", "holder_id": people.resident(person.key),
            "village_code": village.code, "provider_type": kind, "provider": provider,
            "account_number": digits, "opened_on": opened.isoformat(),
        })  # fmt: skip

    parallel(one, todo)
    return len(todo)


def register_merchants(payments: Api, commune: Commune) -> tuple[int, dict[str, list[str]]]:
    """Shops and market stalls; one in each village took QR payment only in the autumn."""
    ids: dict[str, list[str]] = defaultdict(list)
    count = 0
    for village in commune.villages:
        for index, accepts in enumerate(village.profile.merchants_qr):
            kind = ("shop", "market_stall", "service")[index % 3]
            later = accepts and index == 0
            view = payments.post("/merchants", {
                "village_code": village.code, "kind": kind, "accepts_qr": accepts and not later,
                "registered_on": day(30 + index).isoformat(),
            })  # fmt: skip
            if later:
                view = payments.post(
                    f"/merchants/{view['merchant_id']}/qr-acceptance",
                    {"accepts_qr": True, "changed_on": day(250).isoformat()},
                )
            if view["accepts_qr"]:
                ids[village.code].append(view["merchant_id"])
            count += 1
    return count, ids


def import_statements(
    payments: Api, commune: Commune, people: People, qr_merchants: dict[str, list[str]]
) -> int:
    """Each provider's statement of the year: bills paid cashless by the account holders'
    households, purchases at QR merchants, pensions paid to accounts."""
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    rng = random.Random(f"demo-payments-08920-{AS_OF.year}")  # noqa: S311 - demo data
    for village in commune.villages:
        for home in village.homes:
            payer = next((p for p in home.members if p.epayment), None)
            if payer is None:
                continue
            _, provider = _provider(payer)
            household = people.household_ids[home.key]
            common = {"payer_kind": "resident", "payer_id": people.resident(payer.key),
                      "household_id": household, "village_code": village.code}  # fmt: skip
            for month in range(12):
                paid = day(15 + 30 * month + rng.randint(0, 8))
                rows[provider].append({**common, "purpose": "electricity",
                    "paid_on": paid.isoformat(), "amount_vnd": str(rng.randint(18, 60) * 10_000),
                    "channel": "bank_transfer" if month % 2 else "e_wallet",
                    "payee_kind": "public_body", "payee_id": "EVNNPC"})  # fmt: skip
                if month % 3 == 2:
                    rows[provider].append({**common, "purpose": "water",
                        "paid_on": (paid + timedelta(days=2)).isoformat(),
                        "amount_vnd": str(rng.randint(6, 15) * 10_000), "channel": "qr",
                        "payee_kind": "public_body", "payee_id": "NUOCSACH-VP"})  # fmt: skip
            for merchant in qr_merchants.get(village.code, [])[:1]:
                for quarter in range(4):
                    rows[provider].append({**common, "purpose": "market_purchase",
                        "paid_on": day(40 + 90 * quarter).isoformat(), "channel": "qr",
                        "amount_vnd": str(rng.randint(5, 40) * 5_000),
                        "payee_kind": "merchant", "payee_id": merchant})  # fmt: skip
    imported = 0
    for provider, provider_rows in sorted(rows.items()):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for number, row in enumerate(provider_rows, start=1):
            writer.writerow(
                {**row, "transaction_id": f"{provider[:3].upper()}{AS_OF:%y}{number:06d}"}
            )
        report = payments.request(
            "POST", "/imports/statements", content=buffer.getvalue().encode(),
            headers={"Content-Type": "text/csv"},
            params={"provider": provider, "commune_code": commune.code},
        ).json()  # fmt: skip
        imported += int(report["accepted"])
    return imported


def pay_fee(payments: Api, dossier: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """The fee request the payments service derived from the dossier (through Kafka), paid by
    the applicant scanning its VietQR code."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fee: dict[str, Any] = payments.get(f"/dossiers/{dossier['dossier_id']}/fee")
            break
        except DemoError as exc:
            if "404" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(1.0)
    payments.post("/payments", {
        "provider": "VCB", "transaction_id": f"FT{dossier['dossier_number'][-8:].replace('-', '')}",
        "purpose": "public_service_fee", "channel": "qr", "amount_vnd": fee["amount_vnd"],
        "payer_kind": "resident", "payer_id": dossier["applicant_ref"],
        "payee_kind": "public_body", "payee_id": dossier["commune_code"],
        "village_code": dossier["applicant_village"], "paid_on": fee["requested_on"],
        "bill_number": fee["bill_number"],
    })  # fmt: skip
    paid: dict[str, Any] = payments.get(f"/dossiers/{dossier['dossier_id']}/fee")
    return paid


def adoption(payments: Api, commune: Commune) -> dict[str, Any]:
    return dict(payments.get(f"/units/{commune.code}/adoption", as_of=AS_OF.isoformat()))
