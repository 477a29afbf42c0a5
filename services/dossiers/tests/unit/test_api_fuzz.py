"""The REST API fuzzed from its own OpenAPI description (schemathesis): no request, however
malformed or inconsistent, gets a 5xx; every 4xx is problem+json, naming the fields for bad input.

schemathesis reads `/openapi.json` from the in-process app and generates, per operation, requests
that fit the description (positive) and requests that break it (negative). Random values alone
mostly stop at the door (a random dossier id is a 404, a random commune unknown, random text full
of control characters), so half of the positive cases are steered onto real data — dossiers of
Cao Phong in every status, its units, recent times, versions near the real ones, plausible text,
import files made of a synthetic export with one field replaced — and reach the handlers, the
aggregate and the store.

Bounded for CI: `EXAMPLES` cases per operation and mode, a fixed seed per operation, no example
database — the same requests every run. Hunt harder locally with
`SMARTCOMMUNE_FUZZ_EXAMPLES=300 .venv/bin/pytest services/dossiers/tests/unit/test_api_fuzz.py -s`.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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

from smartcommune.dossiers.application.import_record import FIELDS
from smartcommune.dossiers.bootstrap import Service
from smartcommune.dossiers.entrypoints.app import create_app
from smartcommune.dossiers.testing import synthetic_export, to_csv
from smartcommune.kit.auth.testing import LocalIssuer

Headers = Callable[[str], dict[str, str]]
T = TypeVar("T")
AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
PROBLEM = "application/problem+json"
EXAMPLES = int(os.environ.get("SMARTCOMMUNE_FUZZ_EXAMPLES", "30"))
SEED = 20260301
#: Not `positive_data_acceptance`: the description cannot say which commune codes exist, that a
#: time must not lie in the future or which step a dossier is ready for, so schema-valid requests
#: are rightly refused (422/404/409) — what matters is that they are refused properly.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
#: A bad row of an import rejects that row only: the answer is a 200 listing it in `rejected`.
ROW_BY_ROW = "POST /imports"
#: Cao Phong, its district and province, one of its villages, and the neighbouring Lãng Công.
UNIT_CODES = ("08920", "253", "26", "0892001", "08923")
HEALTH = ("GET /healthz", "GET /readyz")


@dataclass
class Target:
    schema: BaseSchema
    versions: dict[str, int]  # dossier id → version, of Cao Phong, kept current
    neighbours: list[str]  # dossier ids of Lãng Công
    numbers: list[str]  # dossier numbers already recorded
    cursors: list[str]  # real `next_cursor` values
    statuses: dict[str, Counter[int]] = field(default_factory=dict)

    def tally(self, case: AnyCase, response: Response) -> None:
        self.statuses.setdefault(case.operation.label, Counter())[response.status_code] += 1
        if response.status_code in (200, 201) and case.operation.method.upper() == "POST":
            answer = response.json()
            if answer.get("commune_code") == "08920":  # a dossier that moved (or was born)
                self.versions[answer["dossier_id"]] = answer["version"]

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
    numbers = []
    with TestClient(app) as client:
        # a year of each commune, mostly closed by now …
        for commune, officer in (("08920", "commune.officer"), ("08923", "neighbour.officer")):
            rows = synthetic_export(commune, 40, year=2025, seed=7)
            numbers += [row["dossier_number"] for row in rows]
            answer = client.post(
                f"/imports?commune_code={commune}", json={"dossiers": rows}, headers=auth(officer)
            )
            assert answer.json()["accepted"] == 40, answer.text
        # … and open ones, stopped at every stage, for the steps to work on
        rows = [
            open_at(row, STAGES[n % len(STAGES)])
            for n, row in enumerate(synthetic_export("08920", 60, year=2025, seed=8))
        ]
        answer = client.post(
            "/imports?commune_code=08920", json={"dossiers": rows}, headers=auth("commune.officer")
        )
        assert answer.json()["accepted"] == 60, answer.text
        own = client.get("/units/08920/dossiers?limit=200", headers=auth("commune.officer"))
        other = client.get("/units/08923/dossiers?limit=10", headers=auth("neighbour.officer"))
        cursors = [other.json()["next_cursor"]]
        for limit in (1, 7, 39):
            page = client.get(f"/units/253/dossiers?limit={limit}", headers=auth("auditor"))
            cursors.append(page.json()["next_cursor"])
    yield Target(
        schema=schemathesis.openapi.from_asgi("/openapi.json", app),
        versions={d["dossier_id"]: d["version"] for d in own.json()["items"]},
        neighbours=[d["dossier_id"] for d in other.json()["items"]],
        numbers=numbers,
        cursors=cursors,
    )
    service.engine.dispose()


#: the step times an open dossier may have stopped after
STAGES = (
    "submitted_at", "received_at", "processing_started_at", "supplement_requested_at",
    "resolved_at", "result_returned_at",
)  # fmt: skip


def open_at(row: dict[str, Any], last: str) -> dict[str, Any]:
    """An export row cut after the step `last` (and its details): a dossier still open."""
    kept: dict[str, Any] = {"dossier_number": f"{row['dossier_number']}-open"}
    seen = False
    for name, value in row.items():
        if seen and name.endswith("_at"):
            break
        seen = seen or name == last
        kept.setdefault(name, value)
    return kept


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
    """Run `run` on up to `examples` generated cases of one operation, the same ones every run;
    `headers` are sent as they are (a valid token is never "broken" by negative generation)."""

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


# ---------------------------------------------------------------- steering onto real data
TEXT = st.one_of(
    st.sampled_from(("Đăng ký khai sinh", "Thiếu bản sao", "Thư xin lỗi số 12", " Một cửa ")),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1),
)
TEXT_FIELDS = (
    "procedure_name", "receiving_unit", "handling_department", "reason", "apology",
)  # fmt: skip
MOMENT = st.integers(0, 540 * 86400).map(
    lambda s: (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=s)).isoformat()
)
DAY = st.integers(0, 900).map(lambda d: (date(2025, 1, 1) + timedelta(days=d)).isoformat())
#: (home commune, village) of an applicant: Cao Phong's, the neighbour's, or unknown
APPLICANT_HOMES = ((None, None), ("08920", "0892001"), ("08923", "0892301"), ("08926", None))
#: what a replaced import cell may become
CELL = st.one_of(
    st.none(), MOMENT, DAY, TEXT, st.sampled_from(("", "x", "2025-13-40", "08920", "granted"))
)


def picker(case: AnyCase) -> Callable[[Sequence[T]], T]:
    """Choices spread by the generated case itself, so the same case always picks the same.

    (Drawing them from Hypothesis would mostly give the first option: it favours simple draws.)
    """
    body = case.body if isinstance(case.body, dict | list | str) else type(case.body).__name__
    generated = json.dumps([case.path_parameters, case.query, body], default=repr)
    rng = random.Random(zlib.crc32(generated.encode()))
    return lambda options: options[rng.randrange(len(options))]


@st.composite
def steered(draw: st.DrawFn, case: AnyCase, target: Target) -> AnyCase:
    """The case with some of its valid parts replaced by real or plausible values.

    Only components generated valid are touched, so a negative case stays negative where it
    was made so; the case's metadata is re-validated afterwards.
    """
    pick = picker(case)
    meta = case.meta
    negative = {
        loc for loc, info in (meta.components if meta else {}).items() if info.mode.is_negative
    }
    path, query = case.path_parameters, case.query
    body: Any = case.body
    if ParameterLocation.PATH not in negative:
        if "dossier_id" in path and draw(st.integers(0, 4)) < 4:
            path["dossier_id"] = pick([*target.versions, *target.neighbours[:2]])
        if "unit_code" in path and draw(st.integers(0, 4)) < 4:
            path["unit_code"] = pick(UNIT_CODES)
    if ParameterLocation.QUERY not in negative:
        if "commune_code" in query:
            query["commune_code"] = pick(("08920", "08920", "08923", "08926"))
        for name in ("from", "to", "submitted_from", "submitted_to"):
            if name in query and not draw(st.booleans()):
                query[name] = draw(DAY)
        if "limit" in case.operation.query and draw(st.booleans()):
            query["cursor"] = pick(target.cursors)
    if ParameterLocation.BODY not in negative and isinstance(body, dict):
        if case.operation.label == "POST /imports":
            case.body, case.media_type = draw(import_file())
            body = {}
        if "expected_version" in body:
            version = target.versions.get(path.get("dossier_id", ""), 1)
            body["expected_version"] = max(1, version + pick((0, 0, 0, -1, 1)))
        for name in ("occurred_at", "submitted_at"):
            if not draw(st.booleans()):
                body.pop(name, None)  # now
            elif name in body:
                body[name] = draw(MOMENT)
        for name in ("appointment_date", "new_due_date"):
            if name in body:
                body[name] = draw(DAY)
        for name in TEXT_FIELDS:
            if body.get(name) is not None:
                body[name] = draw(TEXT)
        if "commune_code" in body:
            body["commune_code"] = pick(("08920", "08920", "08923"))
            body["dossier_number"] = pick([body["dossier_number"]] * 9 + target.numbers[:9])
            if body.get("kind", "procedure") == "procedure":  # an applicant, no department
                home, village = pick(APPLICANT_HOMES[1:])
                body.update(
                    procedure_code=body.get("procedure_code") or "1.001193",
                    applicant_ref=pick(("res-7f3a9c", "res-001", "ho-so/2026.01")),
                    applicant_type=pick(("citizen", "business")),
                    applicant_home_commune=home,
                    applicant_village=village,
                    handling_department=None,
                    handling_officer_ref=None,
                )
            else:  # a department, no applicant
                body.update(handling_department=draw(TEXT), applicant_village=None)
                for name in ("applicant_ref", "applicant_type", "applicant_home_commune"):
                    body[name] = None
    _ = case.meta  # re-validates what was replaced, so the checks judge what is sent
    return case


@st.composite
def import_file(draw: st.DrawFn) -> tuple[Any, str]:
    """A small synthetic export (JSON or CSV) in which some cells were replaced."""
    rows = synthetic_export("08920", draw(st.integers(1, 6)), seed=draw(st.integers(0, 10**6)))
    for row in rows:
        for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
            row[name] = draw(CELL)
    if draw(st.booleans()):
        return {"dossiers": rows}, "application/json"
    csv_rows = [{k: "" if v is None else v for k, v in row.items()} for row in rows]
    return to_csv(csv_rows).decode(), "text/csv"


# ---------------------------------------------------------------- what every answer must be
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


# ---------------------------------------------------------------- the tests
@pytest.fixture
def api(target: Target, request: pytest.FixtureRequest) -> Iterator[Target]:
    """The target, its status tally printed after each test (`-s` shows it)."""
    target.statuses.clear()
    yield target
    print(target.report(request.node.name))


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_no_request_of_the_commune_officer_gets_a_server_error(
    api: Target, auth: Headers, mode: GenerationMode
) -> None:
    officer = auth("commune.officer")

    def run(case: AnyCase, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 3), label="steer") < 3:  # the simplest draw steers
            case = data.draw(steered(case, api))
        response = case.call()
        api.tally(case, response)
        row_by_row = case.operation.label == ROW_BY_ROW
        excluded: list[CheckFunction] = [negative_data_rejection] if row_by_row else []
        case.validate_response(response, checks=CHECKS, excluded_checks=excluded)
        check_problem(response)

    # the health endpoints take no input, so there is nothing to break
    for operation in operations(api.schema, health=mode.is_positive):
        fuzz(operation, mode, EXAMPLES, run, officer)


@pytest.fixture(scope="module")
def bad_tokens(issuer: LocalIssuer) -> list[str | None]:
    """No token, garbage, and tokens that are well formed but must not be accepted."""
    with LocalIssuer() as stranger:  # signs with a key the service has never seen
        forged = stranger.mint(claims={"iss": issuer.issuer})
    return [
        None,
        "not-a-jwt",
        forged,
        issuer.mint(lifetime=-60),
        issuer.mint(audience="identity"),
        issuer.mint(claims={"iss": "http://127.0.0.1:1/realms/smartcommune"}),
    ]


def test_a_caller_without_a_valid_token_gets_401(api: Target, bad_tokens: list[str | None]) -> None:
    """Whatever else the request holds; "generated" keeps schemathesis's own random header."""

    def run(case: AnyCase, data: st.DataObject) -> None:
        token = data.draw(st.sampled_from([*bad_tokens, "generated"]), label="token")
        headers = {}
        if token is None:
            case.headers.pop("Authorization", None)
        elif token != "generated":
            headers["Authorization"] = f"Bearer {token}"
        response = case.call(headers=headers)
        api.tally(case, response)
        check_problem(response)
        assert response.status_code == 401, response.text
        assert header(response, "www-authenticate").startswith("Bearer"), response.headers

    for operation in operations(api.schema, health=False):
        fuzz(operation, GenerationMode.POSITIVE, max(5, EXAMPLES // 4), run)


def test_the_neighbouring_commune_never_gets_into_cao_phong(api: Target, auth: Headers) -> None:
    """Lãng Công's officer holds the right role for the wrong unit: a 403 on Cao Phong's
    dossiers, units and imports (bad input may be refused before that: 400/422)."""
    neighbour = auth("neighbour.officer")

    def run(case: AnyCase, data: st.DataObject) -> None:
        pick = picker(case)
        if "dossier_id" in case.path_parameters:
            case.path_parameters["dossier_id"] = pick(list(api.versions))
        if "unit_code" in case.path_parameters:
            case.path_parameters["unit_code"] = pick(("08920", "253", "26"))
        if "commune_code" in case.query:
            case.query["commune_code"] = "08920"
        if isinstance(case.body, dict) and "commune_code" in case.body:
            case.body["commune_code"] = "08920"
        response = case.call()
        api.tally(case, response)
        check_problem(response)
        assert response.status_code in (400, 403, 422), response.text

    for operation in operations(api.schema, health=False):
        fuzz(operation, GenerationMode.POSITIVE, max(5, EXAMPLES // 3), run, neighbour)
