"""The REST API fuzzed from its own OpenAPI description (schemathesis): no request, however
malformed or inconsistent, gets a 5xx; every 4xx is problem+json, naming the fields for bad input.

Random values mostly stop at the door (a random team id is a 404, a random village unknown), so
most positive cases are steered onto real data — Cao Phong's teams, their members and tasks in
every status, households identity registered, real villages and cursors — and reach the
handlers, the aggregates and the store. Every write carries a fresh `Idempotency-Key` unless the
case was generated to break the headers.

Bounded for CI: `EXAMPLES` cases per operation and mode, a fixed seed per operation, no example
database. Hunt harder with `SMARTCOMMUNE_FUZZ_EXAMPLES=300 .venv/bin/pytest
services/techteams/tests/unit/test_api_fuzz.py -s`.
"""

from __future__ import annotations

import json
import os
import random
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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

from smartcommune.kit.events import GENESIS, Actor, EventDraft, seal
from smartcommune.kit.store import UnitOfWork
from smartcommune.techteams.adapters.identity_events import apply_identity_event
from smartcommune.techteams.bootstrap import Service
from smartcommune.techteams.entrypoints.app import create_app

from .conftest import Headers, household, resident, subject_of, team_body

T = TypeVar("T")
AnyCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]
PROBLEM = "application/problem+json"
EXAMPLES = int(os.environ.get("SMARTCOMMUNE_FUZZ_EXAMPLES", "12"))
SEED = 20260310
#: Not `positive_data_acceptance`: the description cannot say which villages exist, which
#: members are active or which step a task is ready for — what matters is proper refusals.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
VILLAGES = ("0892001", "0892002", "0892301", "08920", "0892099")
#: Operations without input: nothing to break in negative mode.
NO_INPUT = ("GET /healthz", "GET /readyz", "GET /me")


@dataclass
class Target:
    schema: BaseSchema
    teams: list[str]
    members: list[str]
    tasks: list[str]
    households: list[str]
    residents: list[str]
    cursors: list[str]
    spare_team: str  # the one dissolution is steered to, so the others stay open
    village_of: dict[str, str] = field(default_factory=dict)  # household → village

    def pool(self, name: str) -> list[str]:
        pools = {"teams": self.teams, "members": self.members, "households": self.households}
        return pools[name]

    statuses: dict[str, Counter[int]] = field(default_factory=dict)

    def tally(self, case: AnyCase, response: Response) -> None:
        self.statuses.setdefault(case.operation.label, Counter())[response.status_code] += 1

    def report(self, title: str) -> str:
        lines = [f"{title}: {sum(sum(c.values()) for c in self.statuses.values())} requests"]
        for label, counts in sorted(self.statuses.items()):
            lines.append(f"  {label}: {dict(sorted(counts.items()))}")
        return "\n".join(lines)


def _household_event(household_id: str, village: str) -> Any:
    draft = EventDraft(
        event_type="household.registered", event_version=1, stream_id=household_id,
        commune_code="08920", unit_path=f"VN-26/song-lo/cao-phong/thon-{village[-1]}",
        occurred_at=datetime(2026, 1, 2, tzinfo=UTC),
        actor=Actor(subject="officer", role="commune-officer"),
        payload={"village_code": village, "member_ids": []},
    )  # fmt: skip
    return seal(draft, service="identity", stream_version=1, recorded_at=draft.occurred_at,
                after=GENESIS)  # fmt: skip


@pytest.fixture(scope="module")
def target(
    tmp_path_factory: pytest.TempPathFactory,
    service_factory: Callable[[Path], Service],
    auth: Headers,
) -> Iterator[Target]:
    service = service_factory(Path(tmp_path_factory.mktemp("fuzz")))
    app = create_app(service.settings, service=service)
    homes = [household() for _ in range(12)]
    with UnitOfWork(service.engine) as uow:
        for n, h in enumerate(homes):
            apply_identity_event(uow, _household_event(h, "0892001" if n % 3 else "0892002"))
        uow.commit()
    people = [resident() for _ in range(6)]
    teams, members, tasks = [], [], []
    with TestClient(app) as client:
        for village, user, slot in (("0892001", "techteam.member", 1), ("0892002", None, 0),
                                    ("0892003", None, 0)):  # fmt: skip
            body = team_body(village)
            if user:
                body["members"][slot]["account_subject"] = subject_of(user)
            made = client.post("/teams", json=body, headers=auth("commune.officer")).json()
            teams.append(made["team_id"])
            members += [m["member_id"] for m in made["members"]]
        for n, h in enumerate(homes):
            team = teams[0] if n % 3 else teams[1]
            body = {"team_id": team, "task_type": "household_visit", "target_kind": "household",
                    "target_id": h, "due_date": "2026-04-30"}  # fmt: skip
            task = client.post("/tasks", json=body, headers=auth("commune.officer")).json()
            tasks.append(task["task_id"])
            if n % 4 == 1:  # some assigned, some done, some cancelled, the rest open
                mine = members[1] if team == teams[0] else members[6]
                client.post(f"/tasks/{task['task_id']}/assign", json={"member_id": mine},
                            headers=auth("commune.officer"))  # fmt: skip
            if n % 4 == 2:
                client.post(f"/tasks/{task['task_id']}/cancel", json={"reason": "moved"},
                            headers=auth("commune.officer"))  # fmt: skip
        cursors = [
            client.get(f"/teams/{teams[0]}/tasks?limit=2", headers=auth("auditor")).json()[
                "next_cursor"
            ],
            client.get(
                "/villages/0892001/unsurveyed-households?limit=2", headers=auth("auditor")
            ).json()["next_cursor"],
            client.get("/units/253/teams?limit=1", headers=auth("auditor")).json()["next_cursor"],
        ]
    yield Target(
        schema=schemathesis.openapi.from_asgi("/openapi.json", app),
        teams=teams[:2], members=members[:10], tasks=tasks, households=homes, residents=people,
        cursors=[c for c in cursors if c], spare_team=teams[2],
        village_of={h: "0892001" if n % 3 else "0892002" for n, h in enumerate(homes)},
    )  # fmt: skip
    service.engine.dispose()


def operations(schema: BaseSchema, *, inputless: bool = True) -> list[Operation]:
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI description is invalid: {result.err()}"
        found.append(result.ok())
    return [op for op in found if inputless or op.label not in NO_INPUT]


def fuzz(
    operation: Operation,
    mode: GenerationMode,
    examples: int,
    run: Callable[[AnyCase, st.DataObject], None],
    headers: dict[str, str] | None = None,
) -> None:
    """Run `run` on up to `examples` generated cases of one operation, the same every run."""

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
    """Choices spread by the generated case itself (Hypothesis favours the first option)."""
    body = case.body if isinstance(case.body, dict | list | str) else type(case.body).__name__
    generated = json.dumps([case.path_parameters, case.query, body], default=repr)
    rng = random.Random(zlib.crc32(generated.encode()))
    return lambda options: options[rng.randrange(len(options))]


#: Mostly plausible: due dates ahead of "now" (10 March 2026), fact dates at or before it.
DUE = ("2026-03-20", "2026-04-30", "2026-04-30", "2026-03-01")
DAY = ("2026-03-10", "2026-03-10", "2026-03-05", "2026-02-01", "2099-01-01")
TEXT = st.one_of(
    st.sampled_from(("Cài đặt VNeID", "household moved", " Thanh toán số ")),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=1),
)
DATES = (
    "due_date", "decision_date", "joined_on", "left_on", "changed_on", "dissolved_on",
    "completed_on", "surveyed_on", "attested_on", "held_on",
)  # fmt: skip
ID_FIELDS = {
    "team_id": "teams", "member_id": "members", "assignee_member_id": "members",
    "surveyed_by": "members", "attested_by": "members", "led_by": "members",
    "household_id": "households",
}  # fmt: skip


@st.composite
def steered(draw: st.DrawFn, case: AnyCase, target: Target) -> AnyCase:
    """The case with some of its valid parts replaced by real or plausible values; parts
    generated invalid are left alone, so a negative case stays negative."""
    pick = picker(case)
    meta = case.meta
    negative = {
        loc for loc, info in (meta.components if meta else {}).items() if info.mode.is_negative
    }
    path, query = case.path_parameters, case.query
    body: Any = case.body
    if ParameterLocation.PATH not in negative:
        for name, pool in (("team_id", target.teams), ("task_id", target.tasks),
                           ("household_id", target.households)):  # fmt: skip
            if name in path:
                path[name] = pick(pool)
        if case.operation.label.endswith("/dissolution"):
            path["team_id"] = target.spare_team
        for name in ("village_code", "unit_code"):
            if name in path:
                path[name] = pick(VILLAGES if name == "village_code" else ("253", "08920", "26"))
    if ParameterLocation.QUERY not in negative and query is not None:
        if "limit" in case.operation.query and draw(st.booleans()):
            query["cursor"] = pick(target.cursors)
        if "assignee_member_id" in query:
            query["assignee_member_id"] = pick(target.members)
    if ParameterLocation.BODY not in negative and isinstance(body, dict):
        team = path.get("team_id") or body.get("team_id")
        for name, kind in ID_FIELDS.items():
            if body.get(name) is not None:
                mates = target.members[:5] if team == target.teams[0] else target.members[5:]
                body[name] = pick(mates if kind == "members" else target.pool(kind))
        if "village_code" in body:
            home = target.village_of.get(str(body.get("household_id")))
            body["village_code"] = pick([home] * 3 if home else VILLAGES[:3] + ("0892001",) * 3)
        if "working_age_members" in body and draw(st.booleans()):  # mostly consistent surveys
            body["working_age_with_online_skills"] = min(
                int(body["working_age_with_online_skills"]), int(body["working_age_members"])
            )
        if "present" in body and draw(st.booleans()):  # a count that fits the facility
            counted = body["facility"] in ("security_cameras", "smart_loudspeakers",
                                           "digital_production_model")  # fmt: skip
            body["count"] = (1 + int(body["count"]) % 5 if counted else 1) if body["present"] else 0
        if "target_id" in body:
            kind = pick(("household", "resident"))
            body["target_kind"] = kind
            body["target_id"] = pick(target.households if kind == "household" else target.residents)
        if "household_ids" in body:
            village = "0892001" if path.get("team_id") == target.teams[0] else "0892002"
            mine = [h for h, v in target.village_of.items() if v == village]
            body["household_ids"] = list(dict.fromkeys(pick(mine) for _ in range(3)))
        if isinstance(attendees := body.get("attendee_ids"), list):
            body["attendee_ids"] = list(target.residents[: 1 + len(attendees) % 5])
        for name in DATES:
            if name in body:
                body[name] = pick(DUE if name == "due_date" else DAY)
        for name in ("reason", "topic", "note"):
            if body.get(name) is not None:
                body[name] = draw(TEXT)
    _ = case.meta  # re-validates what was replaced
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


def fresh_key(case: AnyCase) -> None:
    meta = case.meta
    broken = {loc for loc, i in (meta.components if meta else {}).items() if i.mode.is_negative}
    if case.operation.method.upper() == "POST" and ParameterLocation.HEADER not in broken:
        case.headers["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"


@pytest.fixture
def api(target: Target, request: pytest.FixtureRequest) -> Iterator[Target]:
    target.statuses.clear()
    yield target
    print(target.report(request.node.name))


@pytest.mark.parametrize(
    ("mode", "user"),
    [  # the member first: the officer's run may take them off the team
        (GenerationMode.POSITIVE, "techteam.member"),
        (GenerationMode.POSITIVE, "commune.officer"),
        (GenerationMode.NEGATIVE, "commune.officer"),
    ],
    ids=["positive-member", "positive-officer", "negative-officer"],
)
def test_no_request_gets_a_server_error(
    api: Target, auth: Headers, mode: GenerationMode, user: str
) -> None:
    token = {"Authorization": auth(user)["Authorization"]}

    def run(case: AnyCase, data: st.DataObject) -> None:
        if data.draw(st.integers(0, 3), label="steer") < 3:
            case = data.draw(steered(case, api))
        fresh_key(case)
        response = case.call()
        api.tally(case, response)
        case.validate_response(response, checks=CHECKS)
        check_problem(response)

    for operation in operations(api.schema, inputless=mode.is_positive):
        fuzz(operation, mode, EXAMPLES, run, token)


def test_a_caller_without_a_valid_token_gets_401(api: Target) -> None:
    def run(case: AnyCase, data: st.DataObject) -> None:
        token = data.draw(st.sampled_from([None, "not-a-jwt", "generated"]), label="token")
        headers = {}
        if token is None:
            case.headers.pop("Authorization", None)
        elif token != "generated":
            headers["Authorization"] = f"Bearer {token}"
        response = case.call(headers=headers)
        api.tally(case, response)
        check_problem(response)
        assert response.status_code in (401, 422), response.text  # a missing key may come first
        if response.status_code == 401:
            assert header(response, "www-authenticate").startswith("Bearer")

    for operation in operations(api.schema):
        if not operation.label.startswith(("GET /healthz", "GET /readyz")):
            fuzz(operation, GenerationMode.POSITIVE, max(5, EXAMPLES // 4), run)


def test_the_neighbouring_commune_never_gets_into_cao_phong(api: Target, auth: Headers) -> None:
    neighbour = {"Authorization": auth("neighbour.officer")["Authorization"]}

    def run(case: AnyCase, data: st.DataObject) -> None:
        pick = picker(case)
        for name, pool in (("team_id", api.teams), ("task_id", api.tasks),
                           ("household_id", api.households)):  # fmt: skip
            if name in case.path_parameters:
                case.path_parameters[name] = pick(pool)
        for name in ("village_code", "unit_code"):
            if name in case.path_parameters:
                case.path_parameters[name] = "0892001"
        if isinstance(case.body, dict):
            if "village_code" in case.body:
                case.body["village_code"] = "0892001"
            if "team_id" in case.body:
                case.body["team_id"] = api.teams[0]
        fresh_key(case)
        response = case.call()
        api.tally(case, response)
        check_problem(response)
        allowed = (200, 403, 404, 422) if case.operation.label == "GET /me" else (403, 404, 422)
        assert response.status_code in allowed, response.text

    for operation in operations(api.schema):
        if not operation.label.startswith(("GET /healthz", "GET /readyz")):
            fuzz(operation, GenerationMode.POSITIVE, max(5, EXAMPLES // 3), run, neighbour)
