"""Smoke: the main paths answer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from .conftest import Headers, household, member_id, ok


def test_a_task_goes_from_open_to_done(
    client: TestClient, auth: Headers, team: dict[str, Any]
) -> None:
    target = household()
    body = {"team_id": team["team_id"], "task_type": "vneid_install", "target_kind": "household",
            "target_id": target, "due_date": "2026-03-20"}  # fmt: skip
    task = ok(client.post("/tasks", json=body, headers=auth("commune.officer")), 201)
    assert task["status"] == "open"
    me = member_id(team, "youth_union")
    task = ok(client.post(f"/tasks/{task['task_id']}/assign", json={"member_id": me},
                          headers=auth("techteam.member")))  # fmt: skip
    done = client.post(f"/tasks/{task['task_id']}/complete", json={"outcome": "succeeded"},
                       headers=auth("techteam.member"))  # fmt: skip
    assert ok(done)["status"] == "done"
    figures = ok(client.get("/villages/0892001/figures", headers=auth("auditor")))
    assert figures["tasks_done"] == 1
