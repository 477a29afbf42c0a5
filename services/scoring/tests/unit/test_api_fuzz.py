"""The REST API fuzzed from its own OpenAPI description (schemathesis): no request, however
malformed, gets a 5xx; every 4xx is problem+json, naming the fields for bad input.

Half of the generated cases are steered onto real data — Cao Phong's units, real proposal and
decision ids, real criteria sets — so they reach the use cases rather than stopping at a 404.
Bounded and seeded: `SMARTCOMMUNE_FUZZ_EXAMPLES` cases per operation and mode (default 20).
"""

from __future__ import annotations

import json
import os
import random
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    status_code_conformance,
)

from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.grpc import Serving
from smartcommune.scoring.entrypoints.app import create_app
from smartcommune.scoring.testing import Chains, village_facts

from .conftest import Headers, make_service
from .test_reevaluation_and_revocation import consume

T = TypeVar("T")
AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
PROBLEM = "application/problem+json"
EXAMPLES = int(os.environ.get("SMARTCOMMUNE_FUZZ_EXAMPLES", "20"))
SEED = 20261123
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]
UNIT_CODES = ("08920", "0892001", "0892006", "253", "26", "08923", "0892301")
SETS = ("vp-smart-village", "vp-smart-commune", "criterion-8")


@dataclass
class Target:
    schema: BaseSchema
    proposals: list[str]
    decisions: list[str]


@pytest.fixture(scope="module")
def target(
    tmp_path_factory: pytest.TempPathFactory, issuer: LocalIssuer, signing: Serving, auth: Headers
) -> Iterator[Target]:
    service = make_service(Path(tmp_path_factory.mktemp("fuzz")), issuer, signing)
    chains = Chains()
    for n in (1, 2, 3):
        path = f"VN-26/song-lo/cao-phong/thon-{n}"
        consume(service, chains, village_facts("08920", f"089200{n}", path))
    app = create_app(service.settings, service=service)
    with TestClient(app) as client:
        proposals = []
        for codes in (["0892001"], ["0892002", "0892003"], ["0892006"]):
            body = {"criteria_set_id": "vp-smart-village", "unit_codes": codes}
            made = client.post("/proposals", json=body, headers=auth("commune.officer"))
            proposals.append(made.json()["proposal_id"])
        decided = client.post(
            f"/proposals/{proposals[0]}/decision", json={}, headers=auth("district.officer")
        )
        assert decided.status_code == 201, decided.text
    yield Target(
        schemathesis.openapi.from_asgi("/openapi.json", app),
        proposals,
        [decided.json()["decision_id"]],
    )
    service.engine.dispose()


def operations(schema: BaseSchema) -> list[Operation]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI description is invalid: {result.err()}"
        found.append(result.ok())
    return [op for op in found if op.path not in ("/healthz", "/readyz")]


def picker(case: AnyCase) -> Callable[[Sequence[T]], T]:
    body = case.body if isinstance(case.body, dict | list | str) else type(case.body).__name__
    generated = json.dumps([case.path_parameters, case.query, body], default=repr)
    rng = random.Random(zlib.crc32(generated.encode()))
    return lambda options: options[rng.randrange(len(options))]


def steer(case: AnyCase, target: Target) -> AnyCase:
    """Replace valid parts of the case by real ids, codes and sets (negative parts untouched)."""
    pick = picker(case)
    meta = case.meta
    negative = {loc for loc, info in (meta.components if meta else {}).items()
                if info.mode.is_negative}  # fmt: skip
    if not any("path" in str(loc).lower() for loc in negative):
        params = case.path_parameters or {}
        if "unit_code" in params:
            params["unit_code"] = pick(UNIT_CODES)
        if "proposal_id" in params:
            params["proposal_id"] = pick(target.proposals)
        if "decision_id" in params:
            params["decision_id"] = pick(target.decisions)
        if "set_id" in params:
            params["set_id"] = pick(SETS)
    if not any("query" in str(loc).lower() for loc in negative):
        query = case.query or {}
        if "criteria_set" in query:
            query["criteria_set"] = pick(SETS)
    if not any("body" in str(loc).lower() for loc in negative) and isinstance(case.body, dict):
        if "unit_codes" in case.body:
            case.body["unit_codes"] = [pick(UNIT_CODES)]
        if "criteria_set_id" in case.body:
            case.body["criteria_set_id"] = pick(SETS)
        if "parent" in case.body:
            case.body["parent"] = pick(UNIT_CODES)
    _ = case.meta
    return case


def header(response: Response, name: str) -> str:
    values = [v for k, vs in response.headers.items() if k.lower() == name for v in vs]
    return values[0] if values else ""


def check_problem(response: Response) -> None:
    status = response.status_code
    assert status < 500, f"{status}: {response.text}"
    if status < 400:
        return
    assert header(response, "content-type").split(";")[0] == PROBLEM, response.text
    body = response.json()
    assert body["status"] == status, body
    assert body["type"].startswith("urn:smartcommune:problem:"), body
    if status == 422:
        assert body["errors"], body


@pytest.mark.parametrize("who", ["commune.officer", "district.officer", "province.admin"])
@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_no_request_gets_a_server_error(
    target: Target, auth: Headers, mode: GenerationMode, who: str
) -> None:
    headers = auth(who)
    for operation in operations(target.schema):

        @seed(SEED ^ zlib.crc32(f"{operation.label} {mode} {who}".encode()))
        @settings(
            max_examples=EXAMPLES, deadline=None, database=None,
            phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=operation.as_strategy(generation_mode=mode, headers=headers), data=st.data())
        def run(case: AnyCase, data: st.DataObject) -> None:
            if data.draw(st.integers(0, 1), label="steer") == 0:
                case = steer(case, target)
            response = case.call()
            case.validate_response(response, checks=CHECKS)
            check_problem(response)

        try:
            run()
        except Unsatisfiable:  # no input to break (e.g. GET /criteria-sets): nothing to test
            assert mode is GenerationMode.NEGATIVE, operation.label
