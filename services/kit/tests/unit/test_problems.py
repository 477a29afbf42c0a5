"""The shared problem+json vocabulary: generic errors, the field at fault, domain catalogues."""

# No `from __future__ import annotations`: FastAPI must resolve the route signatures below.

import logging
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from smartcommune.kit.auth import Forbidden
from smartcommune.kit.problems import (
    HTTP_PROBLEMS,
    PROBLEM_JSON,
    ProblemCatalogue,
    install_problem_handlers,
    invalid,
    problem,
    version_conflict,
)
from smartcommune.kit.store import ConcurrencyConflict


class Missing(Exception):  # noqa: N818 - named like the services' refusals
    pass


class NoSuchThing(Missing):
    pass


class BadField(Exception):  # noqa: N818
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class Stuck(Exception):  # noqa: N818
    def __init__(self, step: str) -> None:
        super().__init__(f"cannot {step} now")
        self.step = step


class Body(BaseModel):
    fee_vnd: int = Field(ge=0)
    name: str


CATALOGUE = (
    ProblemCatalogue()
    .add(Missing, 404, "not-found", "Not found", "Không tìm thấy")
    .add_invalid(BadField)
    .add(Stuck, 409, "stuck", "Stuck", "Bị kẹt", extra=lambda e: {"step": e.step})
)


def make_app(catalogue: ProblemCatalogue | None = CATALOGUE) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app, catalogue)

    @app.post("/things")
    def create(body: Body) -> dict[str, Any]:
        return body.model_dump()

    @app.get("/things/{number}")
    def read(number: int) -> dict[str, Any]:
        raise {1: NoSuchThing("no thing 1"), 2: BadField("name", "too short"),
               3: Stuck("close"), 4: ConcurrencyConflict("thing-4", 2, 3),
               5: HTTPException(415, "send JSON"), 6: HTTPException(418, "teapot"),
               7: Forbidden("not your unit"), 8: RuntimeError("secret detail"),
               9: HTTPException(405, "no", headers={"Allow": "GET"})}[number]  # fmt: skip

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(make_app(), raise_server_exceptions=False)


def test_a_domain_exception_and_its_subclasses_answer_from_the_catalogue(
    client: TestClient,
) -> None:
    answer = client.get("/things/1")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json() == {
        "type": "urn:smartcommune:problem:not-found", "title": "Not found",
        "title_vi": "Không tìm thấy", "status": 404, "detail": "no thing 1",
        "instance": "/things/1",
    }  # fmt: skip
    stuck = client.get("/things/3").json()
    assert (stuck["status"], stuck["type"], stuck["step"]) == (
        409, "urn:smartcommune:problem:stuck", "close",
    )  # fmt: skip


def test_bad_input_names_the_field_at_fault(client: TestClient) -> None:
    answer = client.get("/things/2")
    assert answer.status_code == 422
    body = answer.json()
    assert body["errors"] == [{"field": "name", "message": "too short"}]
    assert body["detail"] == "name: too short"
    assert body["type"] == "urn:smartcommune:problem:validation"

    refused = client.post("/things", json={"fee_vnd": -1, "name": "x"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["fee_vnd"]
    assert "-1" not in refused.text  # the input is never echoed back

    path = client.get("/things/abc").json()
    assert path["errors"][0]["field"] == "number"


def test_malformed_json_names_the_body(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    broken = client.post("/things", content=b'{"fee_vnd": 1,', headers=headers)
    assert broken.status_code == 422
    error = broken.json()["errors"][0]
    assert error["field"] == "body"
    assert error["message"].startswith("not valid JSON")
    latin = client.post("/things", content='{"name": "Hòa"}'.encode("latin-1"), headers=headers)
    assert latin.status_code == 422
    assert latin.json()["errors"][0]["field"] == "body"


def test_generic_http_errors_use_the_table_and_keep_their_headers(client: TestClient) -> None:
    unsupported = client.get("/things/5").json()
    assert unsupported["type"] == "urn:smartcommune:problem:unsupported-media-type"
    assert unsupported["title"] == HTTP_PROBLEMS[415].title
    other = client.get("/things/6").json()
    assert (other["type"], other["status"]) == ("urn:smartcommune:problem:http", 418)
    not_allowed = client.get("/things/9")
    assert not_allowed.headers["allow"] == "GET"
    assert not_allowed.json()["title_vi"] == "Phương thức không được phép"
    unknown = client.get("/nothing-here")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == PROBLEM_JSON
    assert {400, 404, 405, 409, 413, 415} <= set(HTTP_PROBLEMS)


def test_version_conflicts_and_auth_errors_come_with_the_kit(client: TestClient) -> None:
    conflict = client.get("/things/4")
    assert conflict.status_code == 409
    assert conflict.json()["type"] == "urn:smartcommune:problem:version-conflict"
    assert conflict.json()["detail"] == "thing-4 changed meanwhile (version 3, not 2): retry"
    forbidden = client.get("/things/7")
    assert forbidden.status_code == 403
    assert forbidden.json()["type"] == "urn:smartcommune:problem:forbidden"


def test_an_unexpected_error_is_logged_and_answered_bare(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="smartcommune.kit.problems"):
        answer = client.get("/things/8")
    assert answer.status_code == 500
    assert answer.json()["detail"] == "the error has been logged"
    assert "secret detail" not in answer.text
    assert any("secret detail" in (r.exc_text or "") for r in caplog.records)


def test_a_service_entry_replaces_a_generic_one() -> None:
    def conflict(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ConcurrencyConflict)
        return version_conflict(request, exc, "the thing moved on", current_version=exc.actual)

    catalogue = ProblemCatalogue().add_handler(ConcurrencyConflict, conflict)
    client = TestClient(make_app(catalogue), raise_server_exceptions=False)
    body = client.get("/things/4").json()
    assert (body["detail"], body["current_version"]) == ("the thing moved on", 3)
    assert client.get("/things/1").status_code == 500  # not in this catalogue


def test_a_catalogue_renders_synchronously_by_the_most_specific_type() -> None:
    catalogue = (
        ProblemCatalogue()
        .add(Exception, 400, "any", "Any", "Bất kỳ")
        .add(Missing, 404, "missing", "Missing", "Thiếu", detail=lambda e: "custom")
    )
    request = Request({"type": "http", "method": "GET", "path": "/x", "headers": []})
    answer = catalogue.render(request, NoSuchThing("gone"))
    assert answer is not None
    assert answer.status_code == 404
    assert b'"detail":"custom"' in answer.body
    assert catalogue.render(request, KeyError("k")) is not None
    assert ProblemCatalogue().render(request, KeyError("k")) is None
    assert set(catalogue) == {Exception, Missing}
    assert len(catalogue) == 2


def test_the_building_blocks_can_be_used_alone() -> None:
    request = Request({"type": "http", "method": "GET", "path": "/y", "headers": []})
    answer = problem(request, 410, "gone", "Gone", "Không còn", "erased", resident_id="r-1")
    assert answer.media_type == PROBLEM_JSON
    assert b'"resident_id":"r-1"' in answer.body
    bad = invalid(request, [{"field": "file", "message": "empty"}], status=400)
    assert bad.status_code == 400
    assert b'"detail":"file: empty"' in bad.body
