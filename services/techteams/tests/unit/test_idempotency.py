"""A retried write with the same Idempotency-Key records once and answers the same; the key
with another body is refused; failed writes keep nothing; keys are per caller."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartcommune.kit.store import UnitOfWork, events
from smartcommune.techteams.adapters.receipts import prune_receipts
from smartcommune.techteams.bootstrap import Service

from .conftest import Headers, household, ok


def stored(service: Service) -> int:
    with UnitOfWork(service.engine, read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(events)) or 0)


def task_body(team: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"team_id": team["team_id"], "task_type": "e_payment", "target_kind": "household",
            "target_id": household(), "due_date": "2026-03-31", **changes}  # fmt: skip


def test_a_retry_with_the_same_key_records_once_and_answers_the_same(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    body, before = task_body(team), stored(service)
    first = client.post("/tasks", json=body, headers=auth("commune.officer", key="phone-0001"))
    again = client.post("/tasks", json=body, headers=auth("commune.officer", key="phone-0001"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert (first.headers.get("Idempotent-Replayed"), again.headers["Idempotent-Replayed"]) == (
        None, "true",
    )  # fmt: skip
    assert stored(service) == before + 1


def test_the_same_key_with_another_body_is_refused(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    body = task_body(team)
    ok(client.post("/tasks", json=body, headers=auth("commune.officer", key="phone-0002")), 201)
    before = stored(service)
    other = client.post("/tasks", json={**body, "due_date": "2026-04-30"},
                        headers=auth("commune.officer", key="phone-0002"))  # fmt: skip
    assert other.status_code == 409
    assert other.json()["type"] == "urn:smartcommune:problem:idempotency-key-reused"
    assert stored(service) == before


def test_a_failed_write_keeps_nothing_so_its_corrected_retry_runs(
    client: TestClient, auth: Headers, team: dict[str, Any]
) -> None:
    late = client.post("/tasks", json=task_body(team, due_date="2026-01-01"),
                       headers=auth("commune.officer", key="phone-0003"))  # fmt: skip
    assert late.status_code == 422
    fixed = client.post("/tasks", json=task_body(team),
                        headers=auth("commune.officer", key="phone-0003"))  # fmt: skip
    assert fixed.status_code == 201


def test_keys_belong_to_their_caller(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    body, before = task_body(team), stored(service)
    ok(client.post("/tasks", json=body, headers=auth("commune.officer", key="shared-key-1")), 201)
    ok(client.post("/tasks", json=body, headers=auth("techteam.member", key="shared-key-1")), 201)
    assert stored(service) == before + 2


def test_every_write_needs_a_key(client: TestClient, auth: Headers, team: dict[str, Any]) -> None:
    headers = auth("commune.officer")
    del headers["Idempotency-Key"]
    answer = client.post("/tasks", json=task_body(team), headers=headers)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"


def test_concurrent_retries_record_once(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    body, before = task_body(team), stored(service)
    headers = auth("commune.officer", key="phone-burst-1")
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: client.post("/tasks", json=body, headers=headers),
                                range(6)))  # fmt: skip
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["task_id"] for a in answers}) == 1
    assert stored(service) == before + 1


def test_receipts_past_their_retention_are_pruned_and_the_key_is_free_again(
    client: TestClient, service: Service, auth: Headers, team: dict[str, Any]
) -> None:
    body = task_body(team)
    ok(client.post("/tasks", json=body, headers=auth("commune.officer", key="phone-old-1")), 201)
    assert prune_receipts(service.engine, datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert prune_receipts(service.engine, datetime.now(UTC) + timedelta(seconds=1)) >= 1
    before = stored(service)
    ok(client.post("/tasks", json=body, headers=auth("commune.officer", key="phone-old-1")), 201)
    assert stored(service) == before + 1
