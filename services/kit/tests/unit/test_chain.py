"""verify_chain reports the first problem of each kind at the right position, and the frontier."""

from datetime import UTC, datetime, timedelta

import pytest

from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventDraft,
    EventEnvelope,
    Frontier,
    ProblemKind,
    compute_hash,
    seal,
    verify_chain,
)

pytestmark = pytest.mark.unit

SERVICE, COMMUNE = "dossiers", "08950"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_chain(
    length: int, *, service: str = SERVICE, commune: str = COMMUNE, after: Frontier = GENESIS
) -> list[EventEnvelope]:
    chain: list[EventEnvelope] = []
    for n in range(length):
        draft = EventDraft(
            event_type="dossier.received",
            event_version=1,
            stream_id=f"dossier-{n % 3}",
            commune_code=commune,
            unit_path="VN-26/cao-phong/thon-1",
            occurred_at=T0 + timedelta(minutes=n),
            actor=Actor.for_service(service),
            payload={"n": n},
        )
        chain.append(
            seal(draft, service=service, stream_version=n + 1, recorded_at=T0, after=after)
        )
        after = Frontier(chain[-1].chain_seq, chain[-1].hash)
    return chain


def rehashed(event: EventEnvelope, **changes: object) -> EventEnvelope:
    """A forgery: fields changed and the hash recomputed, so only the links can give it away."""
    forged = event.model_copy(update=changes)
    return forged.model_copy(update={"hash": compute_hash(forged)})


def check(events: list[EventEnvelope]) -> tuple[ProblemKind | None, int | None, Frontier]:
    report = verify_chain(events, SERVICE, COMMUNE)
    problem = report.problem
    return (problem.kind if problem else None, problem.index if problem else None, report.frontier)


def test_a_valid_chain_verifies_and_reports_its_last_event_as_frontier() -> None:
    chain = make_chain(5)
    report = verify_chain(chain, SERVICE, COMMUNE)
    assert report.ok
    assert report.verified == 5
    assert report.frontier == Frontier(5, chain[-1].hash)


def test_an_empty_chain_is_valid_at_genesis() -> None:
    assert verify_chain([], SERVICE, COMMUNE).frontier == GENESIS


def test_an_altered_payload_is_reported_where_it_is() -> None:
    chain = make_chain(5)
    chain[2] = chain[2].model_copy(update={"payload": {"n": 999}})
    assert check(chain) == (ProblemKind.ALTERED, 2, Frontier(2, chain[1].hash))


def test_a_dropped_event_is_a_gap() -> None:
    chain = make_chain(5)
    del chain[2]
    assert check(chain) == (ProblemKind.GAP, 2, Frontier(2, chain[1].hash))


def test_two_swapped_events_are_a_reorder_at_the_first_one_out_of_place() -> None:
    chain = make_chain(6)
    chain[1], chain[4] = chain[4], chain[1]
    assert check(chain) == (ProblemKind.REORDER, 1, Frontier(1, chain[0].hash))


def test_an_injected_event_with_a_recomputed_hash_but_wrong_link_is_a_broken_link() -> None:
    chain = make_chain(5)
    chain[3] = rehashed(chain[3], prev_hash="a" * 64, payload={"n": 42})
    assert check(chain) == (ProblemKind.BROKEN_LINK, 3, Frontier(3, chain[2].hash))


def test_a_rewritten_event_breaks_the_link_of_the_next_one() -> None:
    chain = make_chain(5)
    chain[3] = rehashed(chain[3], payload={"n": 42})  # prev_hash still right
    kind, index, _ = check(chain)
    assert (kind, index) == (ProblemKind.BROKEN_LINK, 4)


@pytest.mark.parametrize(("service", "commune"), [("payments", COMMUNE), (SERVICE, "08951")])
def test_an_event_of_another_chain_is_foreign(service: str, commune: str) -> None:
    chain = make_chain(4)
    chain.insert(2, make_chain(1, service=service, commune=commune)[0])
    assert check(chain) == (ProblemKind.FOREIGN, 2, Frontier(2, chain[1].hash))


def test_an_identical_redelivery_is_skipped_and_counted() -> None:
    chain = make_chain(5)
    redelivered = chain[:3] + chain[1:3] + chain[3:]  # a producer retry re-sent #2 and #3
    report = verify_chain(redelivered, SERVICE, COMMUNE)
    assert report.ok
    assert (report.verified, report.redeliveries) == (5, 2)


def test_a_different_event_with_a_seen_seq_is_a_duplicate() -> None:
    chain = make_chain(5)
    fork = rehashed(chain[1], payload={"n": -1})  # same seq and link, other content: a fork
    chain.insert(3, fork)
    assert check(chain) == (ProblemKind.DUPLICATE, 3, Frontier(3, chain[2].hash))


def test_locations_are_passed_through_opaquely() -> None:
    chain = make_chain(3)
    del chain[1]
    located = [(event, ("dossiers.events.v1", 4, 100 + i)) for i, event in enumerate(chain)]
    report = verify_chain(located, SERVICE, COMMUNE)
    assert report.problem is not None
    assert report.problem.location == ("dossiers.events.v1", 4, 101)
    assert (report.problem.chain_seq, report.problem.expected_seq) == (3, 2)


def test_a_suffix_verifies_from_a_trusted_frontier() -> None:
    chain = make_chain(6)
    start = Frontier(3, chain[2].hash)
    assert verify_chain(chain[3:], SERVICE, COMMUNE, start=start).ok
    report = verify_chain(chain[2:], SERVICE, COMMUNE, start=start)
    assert (report.ok, report.redeliveries) == (True, 1)  # the frontier event itself, again
    wrong = verify_chain(chain[3:], SERVICE, COMMUNE, start=Frontier(3, "b" * 64))
    assert wrong.problem is not None
    assert wrong.problem.kind is ProblemKind.BROKEN_LINK


def test_verification_stops_at_the_first_problem() -> None:
    chain = make_chain(6)
    chain[1] = chain[1].model_copy(update={"payload": {"n": 1000}})
    del chain[4]
    report = verify_chain(chain, SERVICE, COMMUNE)
    assert report.problem is not None
    assert report.problem.kind is ProblemKind.ALTERED
    assert report.verified == 1
