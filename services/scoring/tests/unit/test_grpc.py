"""gRPC `scoring.v1.Scorecards`: the same scorecard as REST, with the same per-unit rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import grpc
import pytest

from smartcommune.contracts.scoring.v1 import scorecards_pb2, scorecards_pb2_grpc
from smartcommune.kit.auth.grpc_client import bearer_metadata
from smartcommune.kit.auth.testing import LocalIssuer
from smartcommune.kit.grpc import channel
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.entrypoints.grpc_server import start_scorecards_server
from smartcommune.scoring.testing import Chains, village_facts

from .test_reevaluation_and_revocation import consume


@pytest.fixture
def stub(service: Service, issuer: LocalIssuer) -> Iterator[scorecards_pb2_grpc.ScorecardsStub]:
    serving = start_scorecards_server(service.context, issuer.verifier(audience="scoring"))
    with channel(f"127.0.0.1:{serving.port}") as ch:
        yield scorecards_pb2_grpc.ScorecardsStub(ch)
    serving.stop(grace=None)


def request(unit: str = "0892001", **changes: object) -> scorecards_pb2.GetScorecardRequest:
    fields: dict[str, object] = {
        "unit_code": unit, "criteria_set_id": "vp-smart-village", "as_of": "2026-11-01",
        **changes,
    }  # fmt: skip
    return scorecards_pb2.GetScorecardRequest(**fields)  # type: ignore[arg-type]


def test_a_scorecard_over_grpc_carries_values_thresholds_and_evidence(
    stub: scorecards_pb2_grpc.ScorecardsStub,
    service: Service,
    tokens: Callable[[str], str],
) -> None:
    consume(service, Chains(), village_facts("08920", "0892001", "VN-26/song-lo/cao-phong/thon-1"))
    card = stub.GetScorecard(request(), metadata=bearer_metadata(tokens("auditor")), timeout=10)
    assert card.meets
    assert card.criteria_set.id == "vp-smart-village"
    broadband = next(i for i in card.indicators if i.indicator_id == "households-broadband")
    assert (broadband.numerator, broadband.denominator, broadband.threshold) == (8, 8, 1000)
    assert {e.service for e in broadband.evidence} == {"identity", "techteams"}
    team = next(i for i in card.indicators if i.indicator_id == "tech-team")
    assert not team.has_denominator


@pytest.mark.parametrize(
    ("who", "req", "code"),
    [
        ("neighbour.officer", request(), grpc.StatusCode.PERMISSION_DENIED),
        ("techteam.member", request(), grpc.StatusCode.PERMISSION_DENIED),
        ("auditor", request("0899999"), grpc.StatusCode.NOT_FOUND),
        ("auditor", request(as_of="yesterday"), grpc.StatusCode.INVALID_ARGUMENT),
        ("auditor", request(criteria_set_id="nope"), grpc.StatusCode.INVALID_ARGUMENT),
        ("auditor", request("08920"), grpc.StatusCode.INVALID_ARGUMENT),
        (None, request(), grpc.StatusCode.UNAUTHENTICATED),
    ],
)
def test_refusals_have_their_status_codes(
    stub: scorecards_pb2_grpc.ScorecardsStub,
    tokens: Callable[[str], str],
    who: str | None,
    req: scorecards_pb2.GetScorecardRequest,
    code: grpc.StatusCode,
) -> None:
    metadata = bearer_metadata(tokens(who)) if who else ()
    with pytest.raises(grpc.RpcError) as refused:
        stub.GetScorecard(req, metadata=metadata, timeout=10)
    assert refused.value.code() is code
