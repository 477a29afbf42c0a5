"""gRPC `scoring.v1.Scorecards`: the same scorecard query as REST, for the other services.

Authentication and the per-method rules are the kit's `AuthInterceptor`; the servicer applies
the unit-scoped rule itself once the unit code has been resolved to a path (`queries.scorecard`).
"""

from __future__ import annotations

import functools
from datetime import date

import grpc
from opentelemetry.trace import Tracer

from smartcommune.contracts.scoring.v1 import scorecards_pb2, scorecards_pb2_grpc
from smartcommune.kit.auth import Forbidden, Rule, TokenVerifier
from smartcommune.kit.auth.grpc_server import PUBLIC, AuthInterceptor, MethodRule, current_principal
from smartcommune.kit.grpc import Serving, serve

from ..application import queries
from ..application.context import Context
from ..application.errors import InputError, NotFoundError, ScoringError
from ..application.rules import READ_UNIT
from ..domain.scorecard import Scorecard

SCORECARDS_SERVICE = "scoring.v1.Scorecards"
#: The role half of READ_UNIT; the unit half is checked after the code is resolved.
_READ_ROLE = Rule(roles=READ_UNIT.roles, scope="any", services=READ_UNIT.services)
RULES: dict[str, Rule | MethodRule] = {
    f"/{SCORECARDS_SERVICE}/GetScorecard": _READ_ROLE,
    "/grpc.health.v1.Health/Check": PUBLIC,
    "/grpc.health.v1.Health/Watch": PUBLIC,
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": _READ_ROLE,
}


def to_message(card: Scorecard) -> scorecards_pb2.Scorecard:
    return scorecards_pb2.Scorecard(
        unit_code=card.unit_code, unit_path=card.unit_path, unit_name=card.unit_name,
        criteria_set=scorecards_pb2.CriteriaSetRef(**card.criteria_set),
        as_of=card.as_of.isoformat(), include_predecessors=card.rollup, meets=card.meets,
        failing_mandatory=list(card.failing_mandatory), optional_met=card.optional_met,
        optional_needed=card.optional_needed,
        indicators=[
            scorecards_pb2.IndicatorResult(
                indicator_id=i.indicator_id, title_vi=i.title_vi, title_en=i.title_en,
                unit=i.unit, numerator=i.numerator, has_denominator=i.denominator is not None,
                denominator=i.denominator or 0, threshold=i.threshold,
                threshold_basis=i.threshold_basis, met=i.met, mandatory=i.mandatory,
                evidence=[
                    scorecards_pb2.ChainEvidence(
                        service=e.service, commune_code=e.commune_code, count=e.count,
                        chain_seqs=list(e.chain_seqs),
                    )
                    for e in i.evidence
                ],
            )
            for i in card.indicators
        ],
    )  # fmt: skip


class ScorecardsServicer(scorecards_pb2_grpc.ScorecardsServicer):
    def __init__(self, context: Context) -> None:
        self._ctx = context

    def GetScorecard(  # noqa: N802 — the generated servicer's method name
        self, request: scorecards_pb2.GetScorecardRequest, context: grpc.ServicerContext
    ) -> scorecards_pb2.Scorecard:
        try:
            as_of = date.fromisoformat(request.as_of) if request.as_of else None
        except ValueError:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "as_of: an ISO date (YYYY-MM-DD)")
        try:
            card = queries.scorecard(
                self._ctx, current_principal(), request.unit_code, request.criteria_set_id,
                request.criteria_set_version or None, as_of, request.include_predecessors,
            )  # fmt: skip
        except Forbidden as exc:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, str(exc))
        except NotFoundError as exc:
            context.abort(grpc.StatusCode.NOT_FOUND, exc.detail)
        except InputError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, exc.detail)
        except ScoringError as exc:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, exc.detail)
        return to_message(card)


def start_scorecards_server(
    context: Context,
    verifier: TokenVerifier,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tracer: Tracer | None = None,
) -> Serving:
    """Start `scoring.v1.Scorecards` with health and reflection; stop with `Serving.stop()`."""
    servicer = ScorecardsServicer(context)
    return serve(
        [functools.partial(scorecards_pb2_grpc.add_ScorecardsServicer_to_server, servicer)],
        host=host,
        port=port,
        interceptors=[AuthInterceptor(verifier, RULES)],
        service_names=[SCORECARDS_SERVICE],
        tracer=tracer,
    )
