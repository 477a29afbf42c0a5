"""The read model is a pure projection of the events: rebuilt from zero it is the same, row for
row, as the one kept inline — counts included, through level changes up and down and erasures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from smartcommune.identity.adapters.projection import rebuild_read_model
from smartcommune.identity.adapters.tables import (
    household_summaries,
    resident_summaries,
    village_counts,
)
from smartcommune.identity.bootstrap import Service
from smartcommune.kit.store import UnitOfWork

Headers = Callable[[str], dict[str, str]]


def snapshot(service: Service) -> dict[str, list[tuple[Any, ...]]]:
    with UnitOfWork(service.engine, read_only=True) as uow:
        return {
            table.name: sorted(tuple(row) for row in uow.session.execute(select(table)))
            for table in (resident_summaries, household_summaries, village_counts)
        }


def test_a_rebuild_from_the_events_equals_the_inline_read_model(
    client: TestClient, auth: Headers, service: Service, register: Callable[..., Any]
) -> None:
    officer = auth("commune.officer")
    people = [
        register(village=f"089200{1 + n % 3}", national_id=f"0010900000{n:02d}")["resident_id"]
        for n in range(9)
    ]
    for n, resident in enumerate(people[:6]):
        level = {"level": "level_2", "changed_on": "2025-03-01", "source": "police_registration"}
        assert client.post(f"/residents/{resident}/vneid", json=level, headers=officer).is_success
        if n % 2:  # and some back down again (an account locked): the level-2 count drops
            down = {**level, "level": "level_1", "changed_on": "2025-09-01"}
            assert client.post(
                f"/residents/{resident}/vneid", json=down, headers=officer
            ).is_success
    for village, members in (("0892001", people[0:9:3]), ("0892002", people[1:9:3])):
        body = {"village_code": village, "member_ids": members}
        assert client.post("/households", json=body, headers=officer).status_code == 201
    for resident in people[::4]:
        assert client.post(f"/residents/{resident}/erase", json={}, headers=officer).is_success

    counts = client.get("/units/08920/counts", headers=officer).json()
    assert (counts["residents"], counts["vneid_level_2"], counts["households"]) == (9, 3, 2)
    inline = snapshot(service)
    assert (
        rebuild_read_model(service.engine, service.store) == 9 + 9 + 2 + 3
    )  # registered, level changes, households, erased
    assert snapshot(service) == inline
