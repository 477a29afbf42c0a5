"""`create_app(settings)`: the REST API of the scoring service (OpenAPI at `/openapi.json`)."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Response, status
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from smartcommune.kit.auth import Principal
from smartcommune.kit.auth.rest import principal_dependency
from smartcommune.kit.health import database_check, health_router
from smartcommune.kit.telemetry import TracingMiddleware

from ..adapters import document
from ..application import attestations, decisions, queries, recognition, units
from ..bootstrap import Service, bootstrap, run_migrations
from ..settings import Settings
from .problems import PROBLEM_JSON, install
from .schemas import (
    DecisionIn,
    MergeIn,
    Problem,
    ProposalIn,
    ReturnIn,
    RevocationIn,
    UnitChange,
    UnitFactIn,
    UnitIn,
    UnitView,
)

DESCRIPTION = """Scoring and recognition (đánh giá và công nhận): the administrative-unit master
data, criteria sets as versioned data, scorecards computed from every service's events with
their evidence, and the recognition workflow whose decisions are signed with the approving
official's own certificate. Every change is an event on `scoring.events.v1`. Errors are
`application/problem+json` (RFC 9457)."""

UnitCodePath = Annotated[str, Path(pattern=r"^[0-9]{2,7}$", description="unit code")]
StreamPath = Annotated[str, Path(pattern=r"^[a-z]+-[0-9a-f-]{36}$", max_length=60)]


def _unit_view(unit: Any) -> UnitView:
    return UnitView.model_validate(unit.model_dump())


def create_app(settings: Settings | None = None, *, service: Service | None = None) -> FastAPI:
    settings = settings or Settings()
    service = service or bootstrap(settings)
    ctx = service.context

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            run_migrations(settings)
        yield
        service.engine.dispose()

    app = FastAPI(
        title="Smart Commune Platform — scoring", version="1.0.0",
        description=DESCRIPTION, lifespan=lifespan,
    )  # fmt: skip
    app.state.service = service
    install(app)
    current = principal_dependency(service.verifier)
    Caller = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias
    router = APIRouter()

    # ------------------------------------------------------------- criteria sets
    @router.get("/criteria-sets", operation_id="list_criteria_sets")
    def list_criteria_sets(caller: Caller) -> list[dict[str, Any]]:
        return queries.criteria_sets(ctx, caller)

    @router.get("/criteria-sets/{set_id}", operation_id="get_criteria_set")
    def get_criteria_set(
        caller: Caller,
        set_id: Annotated[str, Path(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)],
        version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    ) -> dict[str, Any]:
        return queries.criteria_set(ctx, caller, set_id, version)

    # ------------------------------------------------------------- units
    @router.get("/units", operation_id="list_units")
    def list_units(
        caller: Caller, parent: Annotated[str | None, Query(pattern=r"^[0-9]{2,7}$")] = None
    ) -> list[UnitView]:
        return [_unit_view(u) for u in queries.units(ctx, caller, parent)]

    @router.get("/units/{unit_code}", operation_id="get_unit")
    def get_unit(caller: Caller, unit_code: UnitCodePath) -> dict[str, Any]:
        return queries.unit(ctx, caller, unit_code)

    @router.post("/units", operation_id="create_unit", status_code=status.HTTP_201_CREATED)
    def create_unit(caller: Caller, body: UnitIn) -> UnitView:
        return _unit_view(units.create_unit(ctx, caller, body.model_dump()))

    @router.patch("/units/{unit_code}", operation_id="change_unit")
    def change_unit(caller: Caller, unit_code: UnitCodePath, body: UnitChange) -> UnitView:
        changes = body.model_dump(exclude_unset=True)
        if "flags" in changes and changes["flags"] is not None:
            changes["flags"] = tuple(changes["flags"])
        return _unit_view(units.change_unit(ctx, caller, unit_code, changes))

    @router.post("/unit-merges", operation_id="merge_units", status_code=status.HTTP_201_CREATED)
    def merge_units(caller: Caller, body: MergeIn) -> dict[str, Any]:
        merge = units.merge_units(
            ctx, caller, body.merge_id, body.sources, body.into, body.effective, body.basis
        )
        return merge.model_dump(mode="json", by_alias=True)

    # ------------------------------------------------------------- scorecards
    @router.get("/units/{unit_code}/scorecard", operation_id="get_scorecard")
    def get_scorecard(
        caller: Caller,
        unit_code: UnitCodePath,
        criteria_set: Annotated[str, Query(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)],
        version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        as_of: Annotated[date | None, Query(description="ISO date; default today")] = None,
        include_predecessors: bool = False,
    ) -> dict[str, Any]:
        card = queries.scorecard(
            ctx, caller, unit_code, criteria_set, version, as_of, include_predecessors
        )
        return card.as_dict()

    @router.get("/units/{unit_code}/metrics", operation_id="get_unit_metrics")
    def get_unit_metrics(
        caller: Caller,
        unit_code: UnitCodePath,
        as_of: Annotated[date | None, Query(description="ISO date; default today")] = None,
        window_days: Annotated[int | None, Query(ge=1, le=36_500)] = None,
        include_predecessors: bool = False,
    ) -> dict[str, Any]:
        return queries.unit_metrics(
            ctx, caller, unit_code, as_of, window_days, include_predecessors
        )

    @router.post(
        "/units/{unit_code}/facts", operation_id="attest_unit_fact", status_code=201,
        responses={200: {"description": "the same attestation was recorded before"}},
    )  # fmt: skip
    def attest_unit_fact(
        caller: Caller, unit_code: UnitCodePath, body: UnitFactIn, response: Response
    ) -> dict[str, Any]:
        view, new = attestations.attest(ctx, caller, unit_code, body.model_dump())
        if not new:
            response.status_code = status.HTTP_200_OK
        return view

    @router.get("/units/{unit_code}/facts", operation_id="list_unit_facts")
    def list_unit_facts(caller: Caller, unit_code: UnitCodePath) -> list[dict[str, Any]]:
        return attestations.latest(ctx, caller, unit_code)

    @router.get("/units/{unit_code}/recognitions", operation_id="list_recognitions")
    def list_recognitions(caller: Caller, unit_code: UnitCodePath) -> list[dict[str, Any]]:
        return decisions.recognitions(ctx, caller, unit_code)

    # ------------------------------------------------------------- recognition
    @router.post("/proposals", operation_id="propose_recognition", status_code=201)
    def propose(caller: Caller, body: ProposalIn) -> dict[str, Any]:
        return recognition.propose(
            ctx, caller, body.criteria_set_id, body.criteria_set_version, body.unit_codes,
            body.note, body.include_predecessors,
        )  # fmt: skip

    @router.get("/proposals/{proposal_id}", operation_id="get_proposal")
    def get_proposal(caller: Caller, proposal_id: StreamPath) -> dict[str, Any]:
        return recognition.get_proposal(ctx, caller, proposal_id)

    @router.post("/proposals/{proposal_id}/return", operation_id="return_proposal")
    def return_proposal(caller: Caller, proposal_id: StreamPath, body: ReturnIn) -> dict[str, Any]:
        return recognition.return_proposal(ctx, caller, proposal_id, body.comments)

    @router.post(
        "/proposals/{proposal_id}/decision", operation_id="issue_decision", status_code=201
    )
    def issue_decision(caller: Caller, proposal_id: StreamPath, body: DecisionIn) -> dict[str, Any]:
        return decisions.issue_decision(ctx, caller, proposal_id, body.decision_number)

    @router.get("/decisions/{decision_id}", operation_id="get_decision")
    def get_decision(caller: Caller, decision_id: StreamPath) -> dict[str, Any]:
        event, _ = decisions.get_decision(ctx, caller, decision_id)
        return decisions.decision_view(event)

    @router.get(
        "/decisions/{decision_id}/document.html", operation_id="get_decision_html",
        response_class=HTMLResponse,
    )  # fmt: skip
    def get_decision_html(caller: Caller, decision_id: StreamPath) -> HTMLResponse:
        event, title = decisions.get_decision(ctx, caller, decision_id)
        payload = event.model_dump(mode="json")["payload"]
        return HTMLResponse(document.render_html(event.event_type, payload, title))

    @router.get(
        "/decisions/{decision_id}/document.pdf", operation_id="get_decision_pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}, "description": "the document"}},
    )  # fmt: skip
    def get_decision_pdf(caller: Caller, decision_id: StreamPath) -> Response:
        event, title = decisions.get_decision(ctx, caller, decision_id)
        payload = event.model_dump(mode="json")["payload"]
        pdf = document.render_pdf(event.event_type, payload, title)
        return Response(pdf, media_type="application/pdf")

    @router.post(
        "/decisions/{decision_id}/revocation", operation_id="revoke_decision", status_code=201
    )
    def revoke_decision(
        caller: Caller, decision_id: StreamPath, body: RevocationIn
    ) -> dict[str, Any]:
        return decisions.revoke(ctx, caller, decision_id, body.reason, body.decision_number)

    app.include_router(router)
    app.include_router(health_router({"database": database_check(service.engine)}))
    app.add_middleware(TracingMiddleware, tracer=service.telemetry.tracer)
    app.openapi = _openapi_of(app)  # type: ignore[method-assign]
    return app


def _openapi_of(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        """FastAPI's document, with every error answer declared as problem+json."""
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path, operations in doc["paths"].items():
            for method, operation in operations.items():
                if path.startswith(("/healthz", "/readyz")):
                    continue
                codes = ["401", "403", "422"]
                if "{" in path:
                    codes.append("404")
                if method in ("post", "patch"):
                    codes += ["409", "503"]
                responses = operation.setdefault("responses", {})
                for code in codes:
                    responses[code] = {"description": "problem details", "content": problem}
        app.openapi_schema = doc
        return doc

    return build
