"""Property: any single mutation of a valid chain is detected; a redelivery never is.

"Any" excludes exactly what a hash chain cannot see on its own — cutting or rewriting the tail
(the result is a valid, shorter or different, chain). That is caught by comparing the verified
frontier with the frontier a recognition decision recorded, which is the audit's job.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartcommune.kit.events import (
    GENESIS,
    Actor,
    EventDraft,
    EventEnvelope,
    Frontier,
    compute_hash,
    seal,
    verify_chain,
)

pytestmark = pytest.mark.unit

SERVICE, COMMUNE = "techteams", "08950"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_chain(length: int) -> list[EventEnvelope]:
    chain: list[EventEnvelope] = []
    after = GENESIS
    for n in range(length):
        draft = EventDraft(
            event_type="task.completed",
            event_version=1,
            stream_id=f"task-{n}",
            commune_code=COMMUNE,
            unit_path="VN-26/cao-phong/thon-2",
            occurred_at=T0,
            actor=Actor(subject="member-1", role="techteam-member"),
            payload={"n": n, "households": [n, n + 1]},
        )
        event = seal(draft, service=SERVICE, stream_version=1, recorded_at=T0, after=after)
        chain.append(event)
        after = Frontier(event.chain_seq, event.hash)
    return chain


def rehash(event: EventEnvelope) -> EventEnvelope:
    return event.model_copy(update={"hash": compute_hash(event)})


Mutation = Callable[[list[EventEnvelope], st.DataObject], list[EventEnvelope]]


def index(chain: list[EventEnvelope], data: st.DataObject, *, last: bool = True) -> int:
    return data.draw(st.integers(0, len(chain) - (1 if last else 2)))


def alter_field(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data)
    field, value = data.draw(
        st.sampled_from(
            [
                ("payload", {"n": -1}),
                ("stream_version", 99),
                ("chain_seq", 99),
                ("prev_hash", "c" * 64),
                ("occurred_at", datetime(2030, 1, 1, tzinfo=UTC)),
                ("actor", Actor(subject="intruder", role="province-admin")),
            ]
        )
    )
    chain[i] = chain[i].model_copy(update={field: value})
    return chain


def rewrite_not_last(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data, last=False)
    chain[i] = rehash(chain[i].model_copy(update={"payload": {"n": -1}}))
    return chain


def renumber(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data)
    seq = data.draw(st.integers(1, len(chain) + 3).filter(lambda s: s != i + 1))
    chain[i] = rehash(chain[i].model_copy(update={"chain_seq": seq}))
    return chain


def drop_not_last(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    del chain[index(chain, data, last=False)]
    return chain


def swap(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data, last=False)
    j = data.draw(st.integers(i + 1, len(chain) - 1))
    chain[i], chain[j] = chain[j], chain[i]
    return chain


def fork(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data)
    copy = rehash(chain[i].model_copy(update={"payload": {"n": -2}}))
    chain.insert(data.draw(st.integers(i, len(chain))), copy)
    return chain


def make_foreign(chain: list[EventEnvelope], data: st.DataObject) -> list[EventEnvelope]:
    i = index(chain, data)
    other = data.draw(st.sampled_from([{"service": "payments"}, {"commune_code": "00001"}]))
    chain[i] = rehash(chain[i].model_copy(update=other))
    return chain


MUTATIONS = [alter_field, rewrite_not_last, renumber, drop_not_last, swap, fork, make_foreign]


@settings(max_examples=400, deadline=None)
@given(length=st.integers(2, 10), mutation=st.sampled_from(MUTATIONS), data=st.data())
def test_any_single_mutation_is_detected(
    length: int, mutation: Mutation, data: st.DataObject
) -> None:
    mutated = mutation(make_chain(length), data)
    report = verify_chain(mutated, SERVICE, COMMUNE)
    assert report.problem is not None, mutation.__name__
    assert report.verified == report.frontier.chain_seq <= report.problem.index


@settings(max_examples=100, deadline=None)
@given(length=st.integers(1, 10), data=st.data())
def test_redelivered_copies_are_never_a_problem(length: int, data: st.DataObject) -> None:
    chain = make_chain(length)
    i = data.draw(st.integers(0, length - 1))
    at = data.draw(st.integers(i + 1, length))
    chain.insert(at, chain[i])
    report = verify_chain(chain, SERVICE, COMMUNE)
    assert report.ok
    assert (report.verified, report.redeliveries) == (length, 1)
