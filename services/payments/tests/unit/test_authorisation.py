"""Every endpoint's rule, tried by every kind of caller — including the neighbouring commune's
officer, who holds the right role for the wrong unit."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.store import UnitOfWork
from smartcommune.payments.application.fees import DossierFees
from smartcommune.payments.bootstrap import Service
from smartcommune.payments.entrypoints.app import create_app
from smartcommune.payments.entrypoints.rules import (
    ENDPOINT_RULES,
    ONBOARD,
    QR_TOOLS,
    READ,
    WRITE,
)

from .conftest import PEOPLE
from .helpers import account_body, dossier_submitted, payment_body, resident

Headers = Callable[[str], dict[str, str]]
EVERYONE = tuple(PEOPLE)
ALLOWED = {
    id(WRITE): {"commune.officer"},
    id(ONBOARD): {"commune.officer", "techteam.member"},
    id(READ): {"commune.officer", "district.officer", "province.admin", "auditor"},
    id(QR_TOOLS): set(EVERYONE),
}
_serial = itertools.count(1)
QR = {"bank_bin": "970415", "account": "0011001932418"}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
    service_factory: Callable[..., Service],
    auth: Headers,
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    service = service_factory(Path(tmp_path_factory.mktemp("authz")))
    client = TestClient(create_app(service.settings, service=service))
    officer = auth("commune.officer")
    account = client.post("/accounts", json=account_body(), headers=officer).json()
    merchant = client.post(
        "/merchants",
        headers=officer,
        json={
            "village_code": "0892001",
            "kind": "shop",
            "accepts_qr": False,
            "registered_on": "2026-01-01",
        },
    ).json()
    event = dossier_submitted("AUTHZ-0001", 10_000)
    with UnitOfWork(service.engine) as uow:
        DossierFees(service.store, service.deps.collecting)(uow, event)
        uow.commit()
    fee = client.get(f"/dossiers/{event.stream_id}/fee", headers=officer).json()
    ids = {
        "account": account["account_id"],
        "merchant": merchant["merchant_id"],
        "dossier": event.stream_id,
        "fee": fee["fee_id"],
    }
    yield client, ids
    service.engine.dispose()


def _request(operation: str, ids: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    n = next(_serial)
    statement = (
        "transaction_id,paid_on,amount_vnd,purpose,channel,payer_kind,payee_kind\r\n"
        f"AZ{n},2026-03-01,1000,water,qr,external,external\r\n"
    )
    requests: dict[str, tuple[str, str, dict[str, Any]]] = {
        "open_account": (
            "POST",
            "/accounts",
            {"json": account_body(holder_id=resident(n), account_number=f"55{n:08d}")},
        ),
        "close_account": (
            "POST",
            f"/accounts/{ids['account']}/close",
            {"json": {"closed_on": "2026-04-01"}},
        ),
        "get_account": ("GET", f"/accounts/{ids['account']}", {}),
        "list_accounts": ("GET", "/units/08920/accounts", {}),
        "register_merchant": (
            "POST",
            "/merchants",
            {
                "json": {
                    "village_code": "0892001",
                    "kind": "shop",
                    "accepts_qr": True,
                    "registered_on": "2026-01-01",
                }
            },
        ),
        "change_qr_acceptance": (
            "POST",
            f"/merchants/{ids['merchant']}/qr-acceptance",
            {"json": {"accepts_qr": n % 2 == 0, "changed_on": "2026-02-01"}},
        ),
        "list_merchants": ("GET", "/units/08920/merchants", {}),
        "record_payment": ("POST", "/payments", {"json": payment_body()}),
        "list_payments": ("GET", "/units/08920/payments", {}),
        "import_statement": (
            "POST",
            "/imports/statements?provider=VCB&commune_code=08920",
            {"content": statement, "headers": {"Content-Type": "text/csv"}},
        ),
        "get_dossier_fee": ("GET", f"/dossiers/{ids['dossier']}/fee", {}),
        "fee_qr_png": ("GET", f"/fees/{ids['fee']}/qr.png", {}),
        "fee_qr_svg": ("GET", f"/fees/{ids['fee']}/qr.svg", {}),
        "build_vietqr": ("POST", "/vietqr", {"json": QR}),
        "render_vietqr": ("POST", "/vietqr/image?format=png", {"json": QR}),
        "parse_vietqr": ("POST", "/vietqr/parse", {"json": {"payload": "000201"}}),
        "unit_adoption": ("GET", "/units/08920/adoption", {}),
    }
    return requests[operation]


def _call(client: TestClient, operation: str, ids: dict[str, str], headers: dict[str, str]) -> int:
    method, path, options = _request(operation, ids)
    options = dict(options)
    headers = {**headers, **options.pop("headers", {})}
    return int(client.request(method, path, headers=headers, **options).status_code)


TOKEN_OPERATIONS = [op for op, rule in ENDPOINT_RULES.items() if rule is not None]


def test_every_endpoint_has_a_rule(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    operations = {
        op["operationId"]
        for path, item in client.get("/openapi.json").json()["paths"].items()
        for op in item.values()
        if not path.startswith(("/healthz", "/readyz"))
    }
    assert operations == set(ENDPOINT_RULES)
    assert [op for op, rule in ENDPOINT_RULES.items() if rule is None] == ["provider_webhook"]


@pytest.mark.parametrize("operation", TOKEN_OPERATIONS)
@pytest.mark.parametrize("who", EVERYONE)
def test_each_caller_gets_exactly_what_the_rule_grants(
    world: tuple[TestClient, dict[str, str]], auth: Headers, operation: str, who: str
) -> None:
    client, ids = world
    rule = ENDPOINT_RULES[operation]
    assert rule is not None
    status = _call(client, operation, ids, auth(who))
    if who in ALLOWED[id(rule)] and not (who == "neighbour.officer" and rule is not QR_TOOLS):
        assert status not in (401, 403), f"{who} refused on {operation}"
        if rule is READ:
            assert status == 200, f"{who} got {status} on {operation}"
    else:
        assert status == 403, f"{who} got {status} on {operation}"


@pytest.mark.parametrize("operation", TOKEN_OPERATIONS)
def test_no_token_is_401(world: tuple[TestClient, dict[str, str]], operation: str) -> None:
    client, ids = world
    assert _call(client, operation, ids, {}) == 401
    assert _call(client, operation, ids, {"Authorization": "Bearer nonsense"}) == 401
