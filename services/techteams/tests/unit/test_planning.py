"""Planning: identity's events keep the households per village (membership moves counted),
the unsurveyed list pages through them, and one call plans a visit per chosen household."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.consumer import DeadLetter
from smartcommune.kit.events import GENESIS, Actor, EventDraft, EventEnvelope, seal
from smartcommune.kit.store import UnitOfWork
from smartcommune.techteams.adapters.identity_events import apply_identity_event
from smartcommune.techteams.bootstrap import Service

from .conftest import Headers, household, ok, resident

THON_1, THON_2 = "VN-26/song-lo/cao-phong/thon-1", "VN-26/song-lo/cao-phong/thon-2"


def identity_event(event_type: str, stream_id: str, payload: dict[str, Any],
                   unit_path: str = THON_1) -> EventEnvelope:  # fmt: skip
    draft = EventDraft(
        event_type=event_type, event_version=1, stream_id=stream_id, commune_code="08920",
        unit_path=unit_path, occurred_at=datetime(2026, 1, 2, tzinfo=UTC),
        actor=Actor(subject="officer", role="commune-officer"), payload=payload,
    )  # fmt: skip
    return seal(draft, service="identity", stream_version=1, recorded_at=draft.occurred_at,
                after=GENESIS)  # fmt: skip


def feed(service: Service, *envelopes: EventEnvelope) -> None:
    for envelope in envelopes:
        with UnitOfWork(service.engine) as uow:
            apply_identity_event(uow, envelope)
            uow.commit()


def test_households_members_follow_registrations_and_moves(
    client: TestClient, service: Service, auth: Headers
) -> None:
    a, b, c = household(), household(), household()
    x, y = resident(), resident()
    feed(
        service,
        identity_event("resident.registered", x, {"village_code": "0892001",
                                                  "household_id": None, "birth_year": 1980}),
        identity_event("household.registered", a, {"village_code": "0892001", "member_ids": [x]}),
        identity_event("household.registered", b, {"village_code": "0892001", "member_ids": []}),
        identity_event("household.registered", c, {"village_code": "0892002", "member_ids": []},
                       THON_2),
        identity_event("household.member_added", b, {"resident_id": y}),
        identity_event("household.member_added", b, {"resident_id": x}),  # x moves from a to b
        identity_event("vneid.level_changed", x, {"level": "level_2"}),  # not needed: skipped
    )  # fmt: skip
    listing = ok(client.get("/villages/0892001/unsurveyed-households",
                            headers=auth("techteam.member")))  # fmt: skip
    assert {h["household_id"]: h["members"] for h in listing["items"]} == {a: 0, b: 2}
    first = ok(client.get("/villages/0892001/unsurveyed-households?limit=1",
                          headers=auth("techteam.member")))  # fmt: skip
    url = f"/villages/0892001/unsurveyed-households?limit=1&cursor={first['next_cursor']}"
    rest = ok(client.get(url, headers=auth("techteam.member")))
    assert [h["household_id"] for h in first["items"] + rest["items"]] == sorted([a, b])
    assert rest["next_cursor"] is None


def test_a_payload_off_the_contract_is_dead_lettered(service: Service) -> None:
    bad = identity_event("household.registered", household(), {"village_code": "thon 1"})
    with UnitOfWork(service.engine) as uow, pytest.raises(DeadLetter, match="household"):
        apply_identity_event(uow, bad)


def test_visits_are_planned_for_the_chosen_households_in_one_call(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    here, surveyed, there = household(), household(), household()
    feed(
        service,
        identity_event("household.registered", here, {"village_code": "0892001"}),
        identity_event("household.registered", surveyed, {"village_code": "0892001"}),
        identity_event("household.registered", there, {"village_code": "0892002"}, THON_2),
    )
    survey = {"household_id": surveyed, "village_code": "0892001", "surveyed_on": "2026-02-01",
              "has_fibre": True, "has_4g": False, "smartphones": 0, "working_age_members": 0,
              "working_age_with_online_skills": 0, "members_using_epayment": 0,
              "has_digital_address": False}  # fmt: skip
    ok(client.post("/surveys", json=survey, headers=auth("techteam.member")), 201)
    recent = ok(client.get("/villages/0892001/unsurveyed-households?months=3",
                           headers=auth("techteam.member")))  # fmt: skip
    assert [h["household_id"] for h in recent["items"]] == [here]
    # asked for the last month only (today is 10 March), the 1 February survey is too old
    older = ok(client.get("/villages/0892001/unsurveyed-households?months=1",
                          headers=auth("techteam.member")))  # fmt: skip
    assert {h["household_id"] for h in older["items"]} == {here, surveyed}

    plan = {"household_ids": [here, surveyed], "due_date": "2026-04-15"}
    planned = ok(client.post(f"/teams/{team['team_id']}/visit-plans", json=plan,
                             headers=auth("techteam.member")), 201)  # fmt: skip
    assert [t["target_id"] for t in planned["tasks"]] == [here, surveyed]
    tasks = ok(client.get(f"/teams/{team['team_id']}/tasks?task_type=household_visit",
                          headers=auth("techteam.member")))  # fmt: skip
    assert len(tasks["items"]) == 2
    for wrong, field in (([there], "household_ids.0"), ([here, household()], "household_ids.1"),
                         ([here, here], "household_ids")):  # fmt: skip
        refused = client.post(f"/teams/{team['team_id']}/visit-plans",
                              json={**plan, "household_ids": wrong},
                              headers=auth("commune.officer"))  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field


def test_ids_derived_as_uuid5_by_generators_are_accepted(
    client: TestClient, service: Service, auth: Headers
) -> None:
    generated = f"household-{uuid.uuid5(uuid.NAMESPACE_URL, 'bench/0892001/1')}"
    feed(service, identity_event("household.registered", generated, {"village_code": "0892001"}))
    listing = ok(client.get("/villages/0892001/unsurveyed-households",
                            headers=auth("techteam.member")))  # fmt: skip
    assert [h["household_id"] for h in listing["items"]] == [generated]
