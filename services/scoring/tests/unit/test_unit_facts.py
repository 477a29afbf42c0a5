"""Criterion 8's attested commune facts (`unit_fact.attested`): folded like every other event,
counted by the catalogue, thresholds per flag, criteria-set versions pinned, and the REST
endpoint (authorisation per unit, problem+json, idempotent per unit, fact and date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.events.chain import Frontier
from smartcommune.kit.store import UnitOfWork
from smartcommune.scoring.bootstrap import Service
from smartcommune.scoring.domain.criteria import CriteriaCatalogue, LoadedSet
from smartcommune.scoring.domain.facts import FactBook
from smartcommune.scoring.domain.scorecard import Scorecard, evaluate
from smartcommune.scoring.domain.units import AdminUnit, UnitDirectory
from smartcommune.scoring.replay import ReplayEvaluator
from smartcommune.scoring.testing import Chains, Fact, VillageProfile, village_facts

from .conftest import NOW, Headers
from .test_reevaluation_and_revocation import consume

AS_OF = date(2026, 11, 1)
COMMUNE, PATH = "08920", "VN-26/cao-phong"
DEMO_PATH = "VN-26/song-lo/cao-phong"  # the commune in the demo master data
EVIDENCE = "ab" * 32


@pytest.fixture(scope="module")
def criteria() -> CriteriaCatalogue:
    return CriteriaCatalogue.load()


def directory(flags: tuple[str, ...] = ()) -> UnitDirectory:
    return UnitDirectory.of([
        AdminUnit.model_validate(u) for u in (
            {"code": "26", "name": "Tỉnh", "slug": "p", "type": "province", "parent": None,
             "path": "VN-26", "valid_from": "2000-01-01", "valid_to": None},
            {"code": COMMUNE, "name": "Xã", "slug": "cao-phong", "type": "commune",
             "parent": "26", "path": PATH, "valid_from": "2000-01-01", "valid_to": None,
             "group": 2, "flags": flags},
            {"code": "0892001", "name": "Thôn", "slug": "thon-1", "type": "village",
             "parent": COMMUNE, "path": f"{PATH}/thon-1", "valid_from": "2000-01-01",
             "valid_to": None},
        )
    ])  # fmt: skip


def attestation(fact: str, value: int, on: date, unit: str = COMMUNE) -> Fact:
    return Fact(
        "scoring", "unit_fact.attested", f"unit-fact-{unit}-{fact}-{on}",
        {"unit_code": unit, "fact": fact, "value": value, "attested_on": on.isoformat(),
         "evidence_sha256": EVIDENCE, "note": ""},
        COMMUNE, PATH, datetime.combine(on, time(3), tzinfo=UTC),
    )  # fmt: skip


def attested(**values: int) -> list[Fact]:
    return [attestation(fact, value, date(2026, 10, 5)) for fact, value in values.items()]


ALL_MET = {"postal_service_points": 1, "officials_total": 10, "officials_trained": 10,
           "ocop_products": 3, "ocop_products_online": 3}  # fmt: skip


def card(
    facts: list[Fact], loaded: LoadedSet, criteria: CriteriaCatalogue, flags: tuple[str, ...] = ()
) -> Scorecard:
    chains = Chains()
    chains.record_all(village_facts(COMMUNE, "0892001", f"{PATH}/thon-1", VillageProfile()))
    chains.record_all(facts)
    book = FactBook.of(chains.recorded, AS_OF)
    return evaluate(directory(flags), criteria, book, COMMUNE, loaded, AS_OF)


def values(scorecard: Scorecard) -> dict[str, tuple[int, int | None, int, bool]]:
    return {
        i.indicator_id: (i.numerator, i.denominator, i.threshold, i.met)
        for i in scorecard.indicators
    }


def test_version_2_adds_the_attested_indicators_and_version_1_stays(
    criteria: CriteriaCatalogue,
) -> None:
    v1, v2 = criteria.get("criterion-8", 1), criteria.get("criterion-8", 2)
    assert v1 is not None
    assert v2 is not None
    assert criteria.get("criterion-8") == v2
    added = {i.id for i in v2.criteria.indicators} - {i.id for i in v1.criteria.indicators}
    assert added == {"postal-service-point", "officials-digital-skills", "ocop-products-online"}
    assert (v1.file, v2.file) == ("criterion-8.v1.json", "criterion-8.v2.json")
    nothing = values(card([], v2, criteria))
    assert nothing["postal-service-point"] == (0, None, 1, False)
    assert nothing["officials-digital-skills"][:2] == (0, 0)
    assert not nothing["officials-digital-skills"][3]
    full = values(card(attested(**ALL_MET), v2, criteria))
    assert full["postal-service-point"] == (1, None, 1, True)
    assert full["officials-digital-skills"] == (10, 10, 1000, True)
    assert full["ocop-products-online"] == (3, 3, 1000, True)


def test_officials_threshold_is_lenient_for_mountain_and_ethnic_minority_communes(
    criteria: CriteriaCatalogue,
) -> None:
    v2 = criteria.get("criterion-8", 2)
    assert v2 is not None
    facts = attested(**{**ALL_MET, "officials_trained": 8})
    assert values(card(facts, v2, criteria))["officials-digital-skills"] == (8, 10, 1000, False)
    for flag in ("mountain", "ethnic_minority"):
        result = values(card(facts, v2, criteria, (flag,)))["officials-digital-skills"]
        assert result == (8, 10, 800, True)
    seven = attested(**{**ALL_MET, "officials_trained": 7})
    result = values(card(seven, v2, criteria, ("mountain",)))["officials-digital-skills"]
    assert result == (7, 10, 800, False)


def test_the_latest_attestation_date_counts_whatever_the_recording_order(
    criteria: CriteriaCatalogue,
) -> None:
    v2 = criteria.get("criterion-8", 2)
    assert v2 is not None
    later = attestation("ocop_products_online", 2, date(2026, 10, 20))
    earlier = attestation("ocop_products_online", 3, date(2026, 10, 10))  # recorded after
    facts = [*attested(ocop_products=3), later, earlier]
    assert values(card(facts, v2, criteria))["ocop-products-online"][:2] == (2, 3)
    # attested after the as-of date: not counted yet
    future = attestation("postal_service_points", 1, date(2026, 11, 20))
    assert values(card([future], v2, criteria))["postal-service-point"][0] == 0


def test_an_unreadable_attestation_counts_nowhere() -> None:
    chains = Chains()
    bad = attestation("officials_total", 10, date(2026, 10, 5))
    broken = Fact(**{**bad.__dict__, "payload": {**bad.payload, "attested_on": "soon"}})
    [event] = chains.record_all([broken])
    book = FactBook.of([event])
    assert book.unit_facts == {}
    assert len(book.unreadable) == 1


def test_the_smart_commune_set_pins_the_criterion_8_version(criteria: CriteriaCatalogue) -> None:
    """v1 of the smart-commune set names criterion 8 unpinned (= v1, as when it was published);
    v2 names criterion 8 v2. Adding a criterion-8 version never changes a published set."""
    commune_v1, commune_v2 = (
        criteria.get("vp-smart-commune", 1),
        criteria.get("vp-smart-commune", 2),
    )
    assert commune_v1 is not None
    assert commune_v2 is not None
    [nested_v1] = [i for i in commune_v1.criteria.indicators if i.id == "criterion-8-met"]
    [nested_v2] = [i for i in commune_v2.criteria.indicators if i.id == "criterion-8-met"]
    assert nested_v1.params.criteria_set_version is None
    assert nested_v2.params.criteria_set_version == 2
    # the evidence of the nested set's indicators shows which version was evaluated: only v2
    # reads the scoring chain's attestations
    facts = attested(**ALL_MET)

    def nested_evidence(loaded: LoadedSet) -> set[str]:
        result = next(i for i in card(facts, loaded, criteria).indicators
                      if i.indicator_id == "criterion-8-met")  # fmt: skip
        return {e.service for e in result.evidence}

    assert "scoring" not in nested_evidence(commune_v1)
    assert "scoring" in nested_evidence(commune_v2)


# ------------------------------------------------------------------------------- REST
URL = f"/units/{COMMUNE}/facts"
BODY: dict[str, Any] = {
    "fact": "officials_trained", "value": 9, "attested_on": "2026-10-30",
    "evidence_sha256": EVIDENCE, "note": "Danh sách cán bộ đã bồi dưỡng",
}  # fmt: skip


def test_the_commune_officer_attests_once_per_fact_and_date(
    client: TestClient, auth: Headers
) -> None:
    first = client.post(URL, json=BODY, headers=auth("commune.officer"))
    assert first.status_code == 201, first.text
    again = client.post(URL, json=BODY, headers=auth("commune.officer"))
    assert again.status_code == 200
    assert again.json()["event_id"] == first.json()["event_id"]
    other = client.post(URL, json={**BODY, "value": 10}, headers=auth("commune.officer"))
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    listed = client.get(URL, headers=auth("district.officer"))
    assert listed.status_code == 200
    assert [(f["fact"], f["value"]) for f in listed.json()] == [("officials_trained", 9)]
    scorecard = client.get(
        f"/units/{COMMUNE}/scorecard?criteria_set=criterion-8&as_of={NOW.date()}",
        headers=auth("commune.officer"),
    ).json()
    assert scorecard["criteria_set"]["version"] == 2
    officials = next(
        i for i in scorecard["indicators"] if i["indicator_id"] == "officials-digital-skills"
    )
    assert officials["value"] == {"numerator": 9, "denominator": 0}
    assert officials["evidence"][0]["service"] == "scoring"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune.officer", 201), ("neighbour.officer", 403), ("district.officer", 403),
        ("province.admin", 403), ("auditor", 403), ("techteam.member", 403),
    ],
)  # fmt: skip
def test_only_the_communes_own_officer_attests(
    client: TestClient, auth: Headers, who: str, status: int
) -> None:
    answer = client.post(URL, json=BODY, headers=auth(who))
    assert answer.status_code == status, answer.text


@pytest.mark.parametrize(
    ("url", "body", "status"),
    [
        ("/units/0892001/facts", BODY, 422),  # a village: facts are per commune
        ("/units/99999/facts", BODY, 404),
        (URL, {**BODY, "attested_on": "2026-12-01"}, 422),  # in the future
        (URL, {**BODY, "fact": "wifi"}, 422),
        (URL, {**BODY, "value": -1}, 422),
        (URL, {**BODY, "evidence_sha256": "xyz"}, 422),
        (URL, {**BODY, "value": 1.5}, 422),
    ],
)  # fmt: skip
def test_bad_attestations_are_problems(
    client: TestClient, auth: Headers, url: str, body: dict[str, Any], status: int
) -> None:
    answer = client.post(url, json=body, headers=auth("commune.officer"))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_attested_facts_are_replayed_from_the_scoring_chain(
    client: TestClient, service: Service, auth: Headers
) -> None:
    """The audit's re-evaluation folds the attestations with the same code: a criterion-8 v2
    scorecard recorded as a decision would be reproduced value by value."""
    chains = Chains()
    consume(service, chains, village_facts(COMMUNE, "0892001", f"{DEMO_PATH}/thon-1"))
    for fact, value in (("postal_service_points", 1), ("officials_total", 12),
                        ("officials_trained", 11)):  # fmt: skip
        body = {**BODY, "fact": fact, "value": value}
        assert client.post(URL, json=body, headers=auth("commune.officer")).status_code == 201
    as_of = NOW.date().isoformat()
    card = client.get(
        f"/units/{COMMUNE}/scorecard?criteria_set=criterion-8&as_of={as_of}",
        headers=auth("commune.officer"),
    ).json()
    with UnitOfWork(service.engine) as uow:
        own = service.context.store.read_chain(uow.session, "scoring", COMMUNE)
    heads = [
        *chains.heads.items(),
        (("scoring", COMMUNE), Frontier(own[-1].chain_seq, own[-1].hash)),
    ]
    payload = {
        "decision_number": "1/QĐ", "as_of": as_of, "include_predecessors": False,
        "criteria_set": card["criteria_set"],
        "evidence_frontier": [
            {"service": s, "commune_code": c, "chain_seq": f.chain_seq, "hash": f.hash}
            for (s, c), f in heads
        ],
        "units": [{"code": COMMUNE, "indicators": [
            {"indicator_id": i["indicator_id"], "numerator": i["value"]["numerator"],
             "denominator": i["value"]["denominator"], "threshold": i["threshold"]["min"],
             "met": i["met"]}
            for i in card["indicators"]
        ]}],
    }  # fmt: skip
    fields: dict[str, Any] = {
        "service": "scoring", "event_type": "recognition.decision_issued",
        "event_id": "01900000-0000-7000-8000-0000000000aa", "payload": payload,
    }  # fmt: skip
    decision = EventEnvelope.model_construct(**fields)
    check = ReplayEvaluator().check([*chains.recorded, *own], decision)
    assert check.agrees, check.problems
    officials = next(c for c in check.comparisons if c.indicator_id == "officials-digital-skills")
    assert officials.recomputed_value == (11, 12)
    assert not officials.recomputed_met
    assert {e.service for e in officials.evidence} == {"scoring"}
    # a recorded value the attestations do not give is a divergence
    payload["units"][0]["indicators"][0]["numerator"] += 1
    assert not ReplayEvaluator().check([*chains.recorded, *own], decision).agrees
