"""The indicator engine: facts from every service → scorecards with evidence, independent of how
chains interleave; thresholds by group and flag; a merged unit's facts rolled up on request."""

from __future__ import annotations

import random
from datetime import date

import pytest

from smartcommune.kit.events import EventEnvelope
from smartcommune.scoring.domain.criteria import CriteriaCatalogue
from smartcommune.scoring.domain.engine import Engine
from smartcommune.scoring.domain.facts import FactBook
from smartcommune.scoring.domain.scorecard import ScorecardError, evaluate
from smartcommune.scoring.domain.units import AdminUnit, Merge, UnitDirectory
from smartcommune.scoring.testing import Chains, VillageProfile, village_facts

AS_OF = date(2026, 11, 1)
COMMUNE, PATH = "08920", "VN-26/song-lo/cao-phong"


@pytest.fixture(scope="module")
def criteria() -> CriteriaCatalogue:
    return CriteriaCatalogue.load()


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory.load()


def six_villages(failing: VillageProfile | None = None) -> list[EventEnvelope]:
    chains = Chains()
    for n in range(1, 7):
        profile = (failing or VillageProfile()) if n == 6 else VillageProfile()
        chains.record_all(village_facts(COMMUNE, f"089200{n}", f"{PATH}/thon-{n}", profile))
    return chains.recorded


def test_five_villages_meet_the_smart_village_set_and_the_sixth_names_what_fails(
    units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    events = six_villages(VillageProfile(with_epayment=4, free_wifi=False))
    engine = Engine(units, criteria)
    village_set = criteria.get("vp-smart-village")
    assert village_set is not None
    cards = engine.scorecards(events, [f"089200{n}" for n in range(1, 7)], village_set, AS_OF)
    assert [c.meets for c in cards] == [True] * 5 + [False]
    assert cards[5].failing_mandatory == ("free-wifi", "working-age-epayment")
    epayment = next(i for i in cards[5].indicators if i.indicator_id == "working-age-epayment")
    assert (epayment.numerator, epayment.denominator, epayment.threshold) == (4, 16, 700)
    # the evidence names both chains the number was computed from, with their positions
    chains = {(e.service, e.commune_code): e for e in epayment.evidence}
    assert set(chains) == {("identity", COMMUNE), ("payments", COMMUNE)}
    assert chains[("payments", COMMUNE)].count == 4
    assert chains[("identity", COMMUNE)].count == 16


def test_the_result_does_not_depend_on_how_chains_are_interleaved(
    units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    events = six_villages(VillageProfile(with_epayment=3))
    engine, loaded = Engine(units, criteria), criteria.get("vp-smart-village")
    assert loaded is not None
    codes = [f"089200{n}" for n in range(1, 7)]
    expected = engine.scorecards(events, codes, loaded, AS_OF)
    by_chain: dict[tuple[str, str], list[EventEnvelope]] = {}
    for event in events:
        by_chain.setdefault((event.service, event.commune_code), []).append(event)
    rng = random.Random(7)
    for _ in range(5):  # a random merge of the chains, each chain kept in its order
        queues = [list(chain) for chain in by_chain.values()]
        merged = []
        while any(queues):
            queue = rng.choice([q for q in queues if q])
            merged.append(queue.pop(0))
        assert engine.scorecards(merged, codes, loaded, AS_OF) == expected


def test_criterion_8_at_commune_level_and_the_as_of_date_cuts_later_facts(
    units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    events = six_villages()
    loaded = criteria.get("criterion-8")
    assert loaded is not None
    card = Engine(units, criteria).scorecard(events, COMMUNE, loaded, AS_OF)
    values = {i.indicator_id: (i.numerator, i.denominator) for i in card.indicators}
    assert values["internet-every-village"] == (6, 7)  # thôn 7 has no facts: not every village
    assert values["dossiers-resolved-online"] == (24, 24)
    assert not card.meets
    assert "internet-every-village" in card.failing_mandatory
    before = Engine(units, criteria).scorecard(events, COMMUNE, loaded, date(2026, 9, 30))
    assert all(i.numerator == 0 for i in before.indicators)


def test_thresholds_follow_the_commune_group_and_flags(criteria: CriteriaCatalogue) -> None:
    def directory(group: int | None, flags: tuple[str, ...]) -> UnitDirectory:
        return UnitDirectory.of([
            AdminUnit.model_validate(u) for u in (
                {"code": "26", "name": "Tỉnh", "slug": "p", "type": "province", "parent": None,
                 "path": "VN-26", "valid_from": "2000-01-01", "valid_to": None},
                {"code": "08920", "name": "Xã", "slug": "cao-phong", "type": "commune",
                 "parent": "26", "path": "VN-26/cao-phong", "valid_from": "2000-01-01",
                 "valid_to": None, "group": group, "flags": flags},
                {"code": "0892001", "name": "Thôn", "slug": "thon-1", "type": "village",
                 "parent": "08920", "path": "VN-26/cao-phong/thon-1",
                 "valid_from": "2000-01-01", "valid_to": None},
            )
        ])  # fmt: skip

    events = Chains().record_all(
        village_facts(COMMUNE, "0892001", "VN-26/cao-phong/thon-1", VillageProfile(with_epayment=9))
    )  # 9 of 16 working-age residents: 562 per mille
    loaded = criteria.get("vp-smart-village")
    assert loaded is not None
    book = FactBook.of(events, AS_OF)

    def epayment(group: int | None, flags: tuple[str, ...] = ()) -> tuple[int, str, bool]:
        card = evaluate(directory(group, flags), criteria, book, "0892001", loaded, AS_OF)
        result = next(i for i in card.indicators if i.indicator_id == "working-age-epayment")
        return result.threshold, result.threshold_basis, result.met

    assert epayment(None) == (700, "default", False)
    assert epayment(1) == (700, "default", False)
    assert epayment(2) == (600, "group:2", False)
    assert epayment(3) == (500, "group:3", True)
    assert epayment(1, ("ethnic_minority",)) == (500, "flag:ethnic_minority", True)


def test_a_merged_units_facts_roll_up_into_its_successor_on_request(
    criteria: CriteriaCatalogue,
) -> None:
    base = UnitDirectory.load()
    reformed = base.copy()
    old = base.units["0892001"]
    reformed.put(AdminUnit.model_validate(
        {**old.model_dump(), "valid_to": date(2026, 6, 30)}
    ))  # fmt: skip
    reformed.put(AdminUnit.model_validate(
        {**base.units["0892002"].model_dump(), "valid_to": date(2026, 6, 30)}
    ))  # fmt: skip
    reformed.put(AdminUnit.model_validate(
        {"code": "0892008", "name": "Thôn Đồng Giang Phú Thọ", "slug": "thon-dong-giang-phu-tho",
         "type": "village", "parent": "08920", "path": f"{PATH}/thon-dong-giang-phu-tho",
         "valid_from": "2026-07-01", "valid_to": None}
    ))  # fmt: skip
    reformed.add_merge(Merge.model_validate(
        {"id": "demo-village-merge-2026", "from": ["0892001", "0892002"], "into": "0892008",
         "effective": "2026-07-01", "basis": "DEMO"}
    ))  # fmt: skip
    chains = Chains()
    for n in (1, 2):
        chains.record_all(village_facts(COMMUNE, f"089200{n}", f"{PATH}/thon-{n}"))
    loaded = criteria.get("vp-smart-village")
    assert loaded is not None
    book = FactBook.of(chains.recorded, AS_OF)
    alone = evaluate(reformed, criteria, book, "0892008", loaded, AS_OF)
    rolled = evaluate(reformed, criteria, book, "0892008", loaded, AS_OF, rollup=True)
    households = {
        c.rollup: next(i for i in c.indicators if i.indicator_id == "households-broadband")
        for c in (alone, rolled)
    }
    assert (households[False].numerator, households[False].denominator) == (0, 0)
    assert (households[True].numerator, households[True].denominator) == (16, 16)
    assert not alone.meets
    assert rolled.meets
    assert reformed.predecessors("0892008") == {"0892001", "0892002"}


def test_a_set_for_villages_refuses_a_commune(
    units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    loaded = criteria.get("vp-smart-village")
    assert loaded is not None
    with pytest.raises(ScorecardError, match="applies to a village"):
        evaluate(units, criteria, FactBook(), COMMUNE, loaded, AS_OF)


def test_an_unreadable_fact_counts_nowhere_but_keeps_its_chain_whole(
    units: UnitDirectory, criteria: CriteriaCatalogue
) -> None:
    chains = Chains()
    facts = village_facts(COMMUNE, "0892001", f"{PATH}/thon-1")
    broken = next(f for f in facts if f.event_type == "household.surveyed")
    del broken.payload["has_fibre"]
    chains.record_all(facts)
    book = FactBook.of(chains.recorded, AS_OF)
    assert len(book.unreadable) == 1
    assert book.seen[("techteams", COMMUNE)].keys() == set(
        range(1, 1 + sum(1 for f in facts if f.service == "techteams"))
    )
    loaded = criteria.get("vp-smart-village")
    assert loaded is not None
    card = evaluate(units, criteria, book, "0892001", loaded, AS_OF)
    broadband = next(i for i in card.indicators if i.indicator_id == "households-broadband")
    assert (broadband.numerator, broadband.denominator) == (7, 8)
