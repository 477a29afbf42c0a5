"""The facts scoring is tested with are exactly what the producers write: every payload of
`village_facts` validates against the producing service's own registry, in its model's JSON
form. Scoring's code reads payloads generically; this is where a drift of a producer's schema
from the contract (docs: `services/scoring/README.md`, contracts) shows up first."""

from __future__ import annotations

import importlib

import pytest

from smartcommune.kit.events import PayloadRegistry
from smartcommune.kit.events.canonical import normalize
from smartcommune.scoring.testing import VillageProfile, village_facts

PRODUCERS = ("identity", "dossiers", "payments", "techteams")


def registry_of(service: str) -> PayloadRegistry:
    module = importlib.import_module(f"smartcommune.{service}.domain.events")
    registry = module.registry
    assert isinstance(registry, PayloadRegistry)
    return registry


@pytest.mark.parametrize("service", PRODUCERS)
def test_every_fact_is_a_valid_payload_of_its_producer(service: str) -> None:
    pytest.importorskip(f"smartcommune.{service}.domain.events")
    registry = registry_of(service)
    facts = village_facts("08920", "0892001", "VN-26/song-lo/cao-phong/thon-1", VillageProfile())
    mine = [f for f in facts if f.service == service]
    assert mine
    for fact in mine:
        model = registry.model(fact.event_type, 1)
        written = model.model_validate(fact.payload).model_dump(mode="json")
        assert normalize(written) == normalize(fact.payload), fact.event_type
