"""The REST API fuzzed from its own OpenAPI description (schemathesis): no request, however
malformed or inconsistent, gets a 5xx; every 4xx is problem+json, naming the fields for bad input.

Half of the positive cases are steered onto real data — ids of stored accounts, merchants,
dossiers and fees, the demo units, signed webhook bodies, statements made of valid rows with one
cell replaced — so they reach the handlers, the aggregates and the store rather than stopping at
the door. Bounded and seeded for CI; hunt harder with
`SMARTCOMMUNE_FUZZ_EXAMPLES=300 .venv/bin/pytest services/payments/tests/unit/test_api_fuzz.py -s`.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from smartcommune.kit.store import UnitOfWork
from smartcommune.payments.application.fees import DossierFees
from smartcommune.payments.application.statements import COLUMNS
from smartcommune.payments.bootstrap import Service
from smartcommune.payments.entrypoints.app import create_app

from .helpers import account_body, dossier_submitted, household, payment_body, resident, signed

Headers = Callable[[str], dict[str, str]]
T = TypeVar("T")
AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
PROBLEM = "application/problem+json"
EXAMPLES = int(os.environ.get("SMARTCOMMUNE_FUZZ_EXAMPLES", "25"))
SEED = 20260323
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: Bodies read by hand (CSV, signed bytes): their faults are judged after the schema.
BY_HAND = ("POST /imports/statements", "POST /webhooks/{provider}")
UNIT_CODES = ("08920", "253", "26", "0892001", "08923", "0892301")
HEALTH = ("GET /healthz", "GET /readyz")


@dataclass
class Target:
    schema: BaseSchema
    ids: dict[str, list[str]]
    bills: list[str]
    statuses: dict[str, Counter[int]] = field(default_factory=dict)

    def tally(self, case: AnyCase, response: Response) -> None:
        self.statuses.setdefault(case.operation.label, Counter())[response.status_code] += 1

    def report(self, title: str) -> str:
        lines = [f"{title}: {sum(sum(c.values()) for c in self.statuses.values())} requests"]
        for label, counts in sorted(self.statuses.items()):
            lines.append(f"  {label}: {dict(sorted(counts.items()))}")
        return "\n".join(lines)


@pytest.fixture(scope="module")
def target(
    tmp_path_factory: pytest.TempPathFactory,
    service_factory: Callable[..., Service],
    auth: Headers,
) -> Iterator[Target]:
    service = service_factory(Path(tmp_path_factory.mktemp("fuzz")))
    app = create_app(service.settings, service=service)
    ids: dict[str, list[str]] = {"account": [], "merchant": [], "dossier": [], "fee": []}
    bills = []
    with TestClient(app) as client:
        officer = auth("commune.officer")
        for n in range(6):
            body = account_body(
                holder_id=resident(n),
                account_number=f"77{n:08d}",
                village_code=f"089200{n % 3 + 1}",
            )
            ids["account"].append(
                client.post("/accounts", json=body, headers=officer).json()["account_id"]
            )
            merchant = client.post(
                "/merchants",
                headers=officer,
                json={
                    "village_code": "0892002",
                    "kind": "market_stall",
                    "accepts_qr": n % 2 == 0,
                    "registered_on": "2026-01-05",
                },
            ).json()
            ids["merchant"].append(merchant["merchant_id"])
            client.post("/payments", json=payment_body(payer_id=household(n)), headers=officer)
        fees = DossierFees(service.store, service.deps.collecting)
        for n in range(6):
            event = dossier_submitted(f"FUZZ-{n:04d}", 10_000 * (n + 1))
            with UnitOfWork(service.engine) as uow:
                fees(uow, event)
                uow.commit()
            fee = client.get(f"/dossiers/{event.stream_id}/fee", headers=officer).json()
            ids["dossier"].append(event.stream_id)
            ids["fee"].append(fee["fee_id"])
            bills.append(fee["bill_number"])
    yield Target(schemathesis.openapi.from_asgi("/openapi.json", app), ids, bills)
    service.engine.dispose()


def operations(schema: BaseSchema, *, health: bool = True) -> list[Operation]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI description is invalid: {result.err()}"
        found.append(result.ok())
    return [op for op in found if health or op.label not in HEALTH]


def fuzz(
    operation: Operation,
    mode: GenerationMode,
    examples: int,
    run: Callable[[AnyCase, st.DataObject], None],
    headers: dict[str, str] | None = None,
) -> None:
    @seed(SEED ^ zlib.crc32(f"{operation.label} {mode}".encode()))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers), data=st.data())
    def test(case: AnyCase, data: st.DataObject) -> None:
        run(case, data)

    test()


def picker(case: AnyCase) -> Callable[[Sequence[T]], T]:
    body = case.body if isinstance(case.body, dict | list | str) else type(case.body).__name__
    generated = json.dumps([case.path_parameters, case.query, body], default=repr)
    rng = random.Random(zlib.crc32(generated.encode()))
    return lambda options: options[rng.randrange(len(options))]


CELL = st.one_of(
    st.sampled_from(("", "x", "2026-13-40", "0892001", "water", "-1", "resident-1")),
    st.text(max_size=12),
)


@st.composite
def statement(draw: st.DrawFn, bills: list[str]) -> str:
    rows = []
    for n in range(draw(st.integers(1, 5))):
        row = {
            "transaction_id": f"S{draw(st.integers(0, 40))}",
            "paid_on": "2026-03-0" + str(n + 1),
            "amount_vnd": str(draw(st.sampled_from((10_000, 20_000, 999)))),
            "purpose": draw(st.sampled_from(("water", "electricity", "public_service_fee"))),
            "channel": "qr",
            "payer_kind": "external",
            "payer_id": "",
            "payee_kind": "public_body",
            "payee_id": "08920",
            "household_id": "",
            "village_code": draw(st.sampled_from(("", "0892001", "0892301"))),
            "bill_number": draw(st.sampled_from(["", *bills[:2]])),
        }
        for name in draw(st.lists(st.sampled_from(COLUMNS), max_size=2)):
            row[name] = draw(CELL).replace(",", " ").replace("\n", " ").replace("\r", " ")
        rows.append(",".join(row[c] for c in COLUMNS))
    return "\r\n".join([",".join(COLUMNS), *rows]) + "\r\n"


@st.composite
def steered(draw: st.DrawFn, case: AnyCase, target: Target) -> AnyCase:
    """The case with some of its valid parts replaced by real or plausible values."""
    pick = picker(case)
    meta = case.meta
    negative = {
        loc for loc, info in (meta.components if meta else {}).items() if info.mode.is_negative
    }
    path, query, body = case.path_parameters, case.query, case.body
    if ParameterLocation.PATH not in negative:
        for name, kind in (
            ("account_id", "account"),
            ("merchant_id", "merchant"),
            ("dossier_id", "dossier"),
            ("fee_id", "fee"),
        ):
            if name in path and draw(st.integers(0, 4)) < 4:
                path[name] = pick(target.ids[kind])
        if "unit_code" in path and draw(st.integers(0, 4)) < 4:
            path["unit_code"] = pick(UNIT_CODES)
        if "provider" in path:
            path["provider"] = pick(("VCB", "vcb", "MOMO"))
    if ParameterLocation.QUERY not in negative and "commune_code" in query:
        query["commune_code"] = pick(("08920", "08920", "08923", "08926"))
    label = case.operation.label
    if ParameterLocation.BODY not in negative:
        if label == "POST /imports/statements":
            case.body, case.media_type = draw(statement(target.bills)), "text/csv"
        elif label == "POST /webhooks/{provider}" and isinstance(body, dict):
            body.update(
                account_number=pick(("113366668888", "0071000123456", "1")),
                bill_number=pick([None, *target.bills]),
                paid_at="2026-03-02T10:00:00+07:00",
            )
        elif isinstance(body, dict):
            if "village_code" in body:
                body["village_code"] = pick(("0892001", "0892002", "0892301", None))
            if "holder_id" in body:
                holder = str(pick((resident(99), household(99), str(body["holder_id"]))))
                body.update(holder_id=holder, holder_kind=holder.split("-")[0])
                body["account_number"] = str(draw(st.integers(10**7, 10**12)))
            if "payer_kind" in body:
                body.update(
                    pick(
                        (
                            {
                                "payer_kind": "household",
                                "payer_id": household(draw(st.integers(0, 9))),
                            },
                            {"payer_kind": "external", "payer_id": None},
                            {"payer_kind": "resident", "payer_id": resident(1)},
                        )
                    )
                )
                body.update(
                    pick(
                        (
                            {"payee_kind": "public_body", "payee_id": "08920"},
                            {"payee_kind": "merchant", "payee_id": None},
                        )
                    )
                )
                body["commune_code"] = pick(("08920", None))
                body["transaction_id"] = f"F{draw(st.integers(0, 60))}"
            if "bill_number" in body:
                body["bill_number"] = pick([None, *target.bills])
            for name in ("opened_on", "closed_on", "registered_on", "changed_on", "paid_on"):
                if name in body:
                    body[name] = pick(("2026-01-01", "2026-03-15", "2025-12-31"))
    _ = case.meta
    return case


def header(response: Response, name: str) -> str:
    values = [v for k, vs in response.headers.items() if k.lower() == name for v in vs]
    return values[0] if values else ""


def check_problem(response: Response) -> None:
    """Never a 5xx; every 4xx problem+json with its own status; bad input names its fields."""
    status = response.status_code
    assert status < 500, f"{status}: {response.text}"
    if status < 400:
        return
    assert header(response, "content-type").split(";")[0] == PROBLEM, response.text
    body = response.json()
    assert body["status"] == status, body
    assert body["type"].startswith("urn:smartcommune:problem:"), body
    if status in (400, 422):
        assert body["type"] == "urn:smartcommune:problem:validation", body
        assert body["errors"], body
        assert all(error["field"] and error["message"] for error in body["errors"]), body


@pytest.fixture
def api(target: Target, request: pytest.FixtureRequest) -> Iterator[Target]:
    target.statuses.clear()
    yield target
    print(target.report(request.node.name))


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_no_request_of_the_commune_officer_gets_a_server_error(
    api: Target, auth: Headers, mode: GenerationMode
) -> None:
    officer = auth("commune.officer")

    def run(case: AnyCase, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 3), label="steer") < 3:
            case = data.draw(steered(case, api))
        headers: dict[str, str] = {}
        webhook = case.operation.label == "POST /webhooks/{provider}"
        if webhook and isinstance(case.body, dict) and data.draw(st.booleans()):
            # signed over the bytes schemathesis sends: `json.dumps` of the body
            _, headers = signed(json.dumps(case.body).encode())
            headers.pop("Content-Type")
        response = case.call(headers=headers)
        api.tally(case, response)
        excluded: list[CheckFunction] = (
            [negative_data_rejection, status_code_conformance]
            if case.operation.label in BY_HAND
            else []
        )
        case.validate_response(response, checks=CHECKS, excluded_checks=excluded)
        check_problem(response)

    for operation in operations(api.schema, health=mode.is_positive):
        fuzz(operation, mode, EXAMPLES, run, officer)


def test_the_neighbouring_commune_never_gets_into_cao_phong(api: Target, auth: Headers) -> None:
    neighbour = auth("neighbour.officer")

    def run(case: AnyCase, data: st.DataObject) -> None:
        pick = picker(case)
        for name, kind in (
            ("account_id", "account"),
            ("merchant_id", "merchant"),
            ("dossier_id", "dossier"),
            ("fee_id", "fee"),
        ):
            if name in case.path_parameters:
                case.path_parameters[name] = pick(api.ids[kind])
        if "unit_code" in case.path_parameters:
            case.path_parameters["unit_code"] = pick(("08920", "253", "26", "0892001"))
        if "commune_code" in case.query:
            case.query["commune_code"] = "08920"
        if isinstance(case.body, dict) and "village_code" in case.body:
            case.body["village_code"] = "0892001"
        response = case.call()
        api.tally(case, response)
        check_problem(response)
        assert response.status_code in (400, 403, 404, 415, 422), response.text

    skipped = ("/vietqr", "/webhooks")  # open to every role / signed, not scoped by unit
    for operation in operations(api.schema, health=False):
        if not operation.path.startswith(skipped):
            fuzz(operation, GenerationMode.POSITIVE, max(5, EXAMPLES // 3), run, neighbour)
