"""The metric catalogue: every metric a criteria set may name, and how it is counted.

A metric counts facts of a `Scope` (the villages and communes of a unit, as of a date) and
returns the count together with the chain positions of the events behind it. `docs/metrics.md`
is generated from this table (`python -m smartcommune.scoring.entrypoints.metrics_doc`), so the
documentation cannot drift from the code.

Definitions used throughout: *working age* = 15 to 60 years old in the as-of year (birth year
from `resident.registered`); *aged 14+* = VNeID level-2 eligible (Decree 69/2024); erased
residents are not counted; a household's connectivity and skills are those of its latest
`household.surveyed` event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from .events import UNIT_FACTS
from .facts import (
    Dossier,
    Facility,
    FactBook,
    Household,
    Merchant,
    Pos,
    Resident,
    Survey,
    Team,
)

T = TypeVar("T")
WORKING_AGE = (15, 60)
VNEID_AGE = 14
UTILITY_PURPOSES = frozenset({"electricity", "water", "school_fee"})


@dataclass(frozen=True)
class Scope:
    """What a unit covers: villages whose facts count, communes whose dossiers count, and the
    villages counted as villages (those valid on the reference date)."""

    villages: frozenset[str]
    communes: frozenset[str]
    counted_villages: frozenset[str]
    as_of: date
    window_days: int | None = None
    criteria_set: str | None = None
    criteria_set_version: int | None = None


@dataclass(frozen=True)
class Measure:
    value: int
    evidence: frozenset[Pos]


MetricFn = Callable[[FactBook, Scope], Measure]


@dataclass(frozen=True)
class Metric:
    id: str
    description: str
    sources: tuple[str, ...]
    fn: MetricFn


@dataclass
class Index:
    """The book's facts grouped by village (and dossiers by commune too), and the cross-service
    lookups every metric would otherwise rebuild: built in one pass over the book, in the
    book's own order, so every metric reads exactly what a scan of the whole book would have
    found — only without scanning the other villages. Rebuilt after any `apply` (facts are
    mutated in place: an account closed, a resident erased, a merchant's QR flag)."""

    residents: dict[str, list[tuple[str, Resident]]] = field(default_factory=dict)
    households: dict[str, list[tuple[str, Household]]] = field(default_factory=dict)
    surveys: dict[str, list[Survey]] = field(default_factory=dict)
    merchants: dict[str, list[Merchant]] = field(default_factory=dict)
    facilities: dict[str, list[Facility]] = field(default_factory=dict)
    teams: dict[str, list[Team]] = field(default_factory=dict)
    dossiers_by_commune: dict[str, list[tuple[str, Dossier]]] = field(default_factory=dict)
    dossiers_by_village: dict[str, list[tuple[str, Dossier]]] = field(default_factory=dict)
    #: resident → the first open resident account held; resident → first training attended;
    #: household → first cashless utility payment
    holders: dict[str, Pos] = field(default_factory=dict)
    trained: dict[str, Pos] = field(default_factory=dict)
    paying: dict[str, Pos] = field(default_factory=dict)

    @classmethod
    def of(cls, book: FactBook) -> Index:
        index = cls()
        for rid, resident in book.residents.items():
            index.residents.setdefault(resident.village, []).append((rid, resident))
        for hid, household in book.households.items():
            index.households.setdefault(household.village, []).append((hid, household))
        for survey in book.surveys.values():
            index.surveys.setdefault(survey.village, []).append(survey)
        for merchant in book.merchants.values():
            index.merchants.setdefault(merchant.village, []).append(merchant)
        for (village, _), facility in book.facilities.items():
            index.facilities.setdefault(village, []).append(facility)
        for team in book.teams.values():
            index.teams.setdefault(team.village, []).append(team)
        for did, dossier in book.dossiers.items():
            index.dossiers_by_commune.setdefault(dossier.commune, []).append((did, dossier))
            if dossier.village is not None:
                index.dossiers_by_village.setdefault(dossier.village, []).append((did, dossier))
        for account in book.accounts.values():
            if account.holder_kind == "resident" and not account.closed:
                index.holders.setdefault(account.holder_id, account.pos)
        for training in book.trainings.values():
            for attendee in training.attendees:
                index.trained.setdefault(attendee, training.pos)
        for payment in book.payments.values():
            if payment.purpose in UTILITY_PURPOSES and payment.household is not None:
                index.paying.setdefault(payment.household, payment.pos)
        return index


def index_of(book: FactBook) -> Index:
    """The book's index, built once per revision of the book (every metric of a scorecard, and
    every scorecard until the next event, share it)."""
    cached = book.derived.get("metrics.index")
    if isinstance(cached, tuple) and cached[0] == book.revision:
        index: Index = cached[1]
        return index
    index = Index.of(book)
    book.derived["metrics.index"] = (book.revision, index)
    return index


def _in(groups: dict[str, list[T]], villages: Iterable[str]) -> Iterable[T]:
    """The items of `villages` (each village once: scopes are sets)."""
    for village in villages:
        yield from groups.get(village, ())


def _measure(items: Iterable[tuple[int, Iterable[Pos]]]) -> Measure:
    value, evidence = 0, set[Pos]()
    for amount, positions in items:
        value += amount
        evidence.update(positions)
    return Measure(value, frozenset(evidence))


def _residents(book: FactBook, scope: Scope) -> Iterable[tuple[str, Resident]]:
    return ((rid, r) for rid, r in _in(index_of(book).residents, scope.villages) if not r.erased)


def _age(resident: Resident, scope: Scope) -> int:
    return scope.as_of.year - resident.birth_year


def _working_age(book: FactBook, scope: Scope) -> Iterable[tuple[str, Resident]]:
    low, high = WORKING_AGE
    return ((rid, r) for rid, r in _residents(book, scope) if low <= _age(r, scope) <= high)


def residents_total(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, [r.pos]) for _, r in _residents(book, scope))


def residents_working_age(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, [r.pos]) for _, r in _working_age(book, scope))


def residents_aged_14_plus(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, [r.pos]) for _, r in _residents(book, scope) if _age(r, scope) >= VNEID_AGE)


def residents_vneid_level_2(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, [r.pos, book.vneid[rid][1]])
        for rid, r in _residents(book, scope)
        if _age(r, scope) >= VNEID_AGE and book.vneid.get(rid, ("", r.pos))[0] == "level_2"
    )


def residents_working_age_with_epayment_account(book: FactBook, scope: Scope) -> Measure:
    holders = index_of(book).holders
    return _measure(
        (1, [r.pos, holders[rid]]) for rid, r in _working_age(book, scope) if rid in holders
    )


def residents_working_age_trained(book: FactBook, scope: Scope) -> Measure:
    trained = index_of(book).trained
    return _measure(
        (1, [r.pos, trained[rid]]) for rid, r in _working_age(book, scope) if rid in trained
    )


def _households(book: FactBook, scope: Scope) -> Iterable[tuple[str, Pos]]:
    return ((hid, h.pos) for hid, h in _in(index_of(book).households, scope.villages))


def households_total(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, [pos]) for _, pos in _households(book, scope))


def households_with_fibre_or_4g(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, [pos, book.surveys[hid].pos])
        for hid, pos in _households(book, scope)
        if hid in book.surveys and (book.surveys[hid].has_fibre or book.surveys[hid].has_4g)
    )


def households_with_digital_address(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, [pos, book.surveys[hid].pos])
        for hid, pos in _households(book, scope)
        if hid in book.surveys and book.surveys[hid].has_digital_address
    )


def households_paying_utilities_cashless(book: FactBook, scope: Scope) -> Measure:
    paying = index_of(book).paying
    return _measure(
        (1, [pos, paying[hid]]) for hid, pos in _households(book, scope) if hid in paying
    )


def _surveys_in(book: FactBook, scope: Scope) -> list[tuple[int, int, int, Pos]]:
    return [
        (
            s.working_age,
            min(s.smartphones, s.working_age),
            min(s.online_skills, s.working_age),
            s.pos,
        )
        for s in _in(index_of(book).surveys, scope.villages)
    ]


def survey_working_age_members(book: FactBook, scope: Scope) -> Measure:
    return _measure((w, [pos]) for w, _, _, pos in _surveys_in(book, scope))


def survey_working_age_with_smartphone(book: FactBook, scope: Scope) -> Measure:
    return _measure((phones, [pos]) for _, phones, _, pos in _surveys_in(book, scope))


def survey_working_age_with_online_skills(book: FactBook, scope: Scope) -> Measure:
    return _measure((skills, [pos]) for _, _, skills, pos in _surveys_in(book, scope))


def merchants_total(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, m.positions[:1]) for m in _in(index_of(book).merchants, scope.villages))


def merchants_accepting_qr(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, m.positions) for m in _in(index_of(book).merchants, scope.villages) if m.accepts_qr
    )


def facility_present(name: str) -> MetricFn:
    def count(book: FactBook, scope: Scope) -> Measure:
        return _measure(
            (1, [f.pos])
            for f in _in(index_of(book).facilities, scope.villages)
            if f.facility == name and f.present
        )

    return count


def security_cameras_count(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (f.count, [f.pos])
        for f in _in(index_of(book).facilities, scope.villages)
        if f.facility == "security_cameras" and f.present
    )


def _active_teams(book: FactBook, villages: frozenset[str]) -> Iterable[tuple[str, list[Pos]]]:
    return (
        (t.village, t.positions)
        for t in _in(index_of(book).teams, villages)
        if not t.dissolved and t.members
    )


def teams_active(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for _, positions in _active_teams(book, scope.villages))


def villages_total(book: FactBook, scope: Scope) -> Measure:
    return Measure(len(scope.counted_villages), frozenset())


def _villages_with(found: dict[str, list[Pos]]) -> Measure:
    return _measure((1, positions) for positions in found.values())


def villages_with_internet(book: FactBook, scope: Scope) -> Measure:
    found: dict[str, list[Pos]] = {}
    for survey in _in(index_of(book).surveys, scope.counted_villages):
        if survey.has_fibre or survey.has_4g:
            found.setdefault(survey.village, []).append(survey.pos)
    return _villages_with({v: sorted(p)[:1] for v, p in found.items()})


def villages_with_smart_loudspeakers(book: FactBook, scope: Scope) -> Measure:
    found = {
        f.village: [f.pos]
        for f in _in(index_of(book).facilities, scope.counted_villages)
        if f.facility == "smart_loudspeakers" and f.present
    }
    return _villages_with(found)


def villages_with_team(book: FactBook, scope: Scope) -> Measure:
    found: dict[str, list[Pos]] = {}
    for village, positions in _active_teams(book, scope.counted_villages):
        found.setdefault(village, []).extend(positions)
    return _villages_with(found)


def villages_recognised(book: FactBook, scope: Scope) -> Measure:
    found: dict[str, list[Pos]] = {}
    for r in book.recognitions.values():
        active = r.criteria_set == scope.criteria_set and not r.revoked
        if active and r.unit in scope.counted_villages:
            found.setdefault(r.unit, []).append(r.pos)
    return _villages_with(found)


def _resolved(book: FactBook, scope: Scope) -> Iterable[tuple[bool, bool, list[Pos]]]:
    since = scope.as_of - timedelta(days=scope.window_days) if scope.window_days else None
    index = index_of(book)
    candidates = dict(_in(index.dossiers_by_commune, scope.communes))
    candidates.update(_in(index.dossiers_by_village, scope.villages))  # each dossier once
    for d in candidates.values():
        if d.kind != "procedure" or d.resolved_on is None or d.resolved_pos is None:
            continue
        if since is not None and d.resolved_on <= since:
            continue
        yield d.online, d.on_time, [d.pos, d.resolved_pos]


def dossiers_resolved(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for _, _, positions in _resolved(book, scope))


def dossiers_resolved_online(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for online, _, positions in _resolved(book, scope) if online)


def dossiers_resolved_on_time(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, p) for _, on_time, p in _resolved(book, scope) if on_time)


def unit_fact(name: str) -> MetricFn:
    """The sum over the scope's communes (with a rollup, the merged ones too) of the latest
    `unit_fact.attested` value of `name`; 0 when never attested."""

    def count(book: FactBook, scope: Scope) -> Measure:
        return _measure(
            (f.value, [f.pos])
            for (unit, fact), f in book.unit_facts.items()
            if fact == name and unit in scope.communes
        )

    return count


def _nested_set(book: FactBook, scope: Scope) -> Measure:  # evaluated by the scorecard itself
    raise NotImplementedError("criteria_set.met is evaluated by scorecard.evaluate")


_I, _D, _P, _T, _S = "identity", "dossiers", "payments", "techteams", "scoring"
FACILITIES = (
    "free_wifi_cultural_house", "security_cameras", "smart_loudspeakers",
    "social_network_channel", "digital_production_model", "e_health_records",
)  # fmt: skip

CATALOGUE: dict[str, Metric] = {
    m.id: m
    for m in [
        Metric("residents.total", "Residents registered in the scope's villages, not erased "
               "(`resident.registered`, `resident.erased`).", (_I,), residents_total),
        Metric("residents.working_age", "Residents aged 15–60 in the as-of year.", (_I,),
               residents_working_age),
        Metric("residents.aged_14_plus", "Residents aged 14 or more in the as-of year.", (_I,),
               residents_aged_14_plus),
        Metric("residents.vneid_level_2", "Residents aged 14+ whose latest "
               "`vneid.level_changed` is `level_2`.", (_I,), residents_vneid_level_2),
        Metric("residents.working_age_with_epayment_account", "Working-age residents holding "
               "an open `payment_account.opened` account with `holder_kind` resident "
               "(not closed by `payment_account.closed`).", (_I, _P),
               residents_working_age_with_epayment_account),
        Metric("residents.working_age_trained", "Working-age residents listed in the "
               "`attendee_ids` of any `training.held`.", (_I, _T), residents_working_age_trained),
        Metric("households.total", "Households registered in the scope's villages "
               "(`household.registered`).", (_I,), households_total),
        Metric("households.with_fibre_or_4g", "Registered households whose latest "
               "`household.surveyed` has fibre or 4G.", (_I, _T), households_with_fibre_or_4g),
        Metric("households.with_digital_address", "Registered households whose latest survey "
               "has a digital address.", (_I, _T), households_with_digital_address),
        Metric("households.paying_utilities_cashless", "Registered households named in a "
               "`cashless_payment.recorded` for electricity, water or school fees.", (_I, _P),
               households_paying_utilities_cashless),
        Metric("survey.working_age_members", "Sum of `working_age_members` over the latest "
               "survey of each household of the scope.", (_T,), survey_working_age_members),
        Metric("survey.working_age_with_smartphone", "Sum of min(`smartphones`, "
               "`working_age_members`) over the latest surveys.", (_T,),
               survey_working_age_with_smartphone),
        Metric("survey.working_age_with_online_skills", "Sum of "
               "`working_age_with_online_skills` (capped at the working-age members) over the "
               "latest surveys.", (_T,), survey_working_age_with_online_skills),
        Metric("merchants.total", "Merchants registered in the scope's villages "
               "(`merchant.registered`).", (_P,), merchants_total),
        Metric("merchants.accepting_qr", "Merchants whose latest QR acceptance "
               "(`merchant.registered`, `merchant.qr_acceptance_changed`) is true.", (_P,),
               merchants_accepting_qr),
        *(
            Metric(f"facilities.{name}", f"Villages of the scope whose latest "
                   f"`facility.attested` for `{name}` says present.", (_T,), facility_present(name))
            for name in FACILITIES
        ),
        Metric("facilities.security_cameras_count", "Sum of `count` of the present "
               "`security_cameras` attestations.", (_T,), security_cameras_count),
        Metric("teams.active", "Community digital-technology teams established "
               "(`team.established`), not dissolved, with at least one member.", (_T,),
               teams_active),
        Metric("villages.total", "Villages of the unit valid on the reference date (the as-of "
               "date, or the unit's last day if it ended earlier); 1 for a village. From the "
               "admin-unit directory.", (_S,), villages_total),
        Metric("villages.with_internet", "Villages with at least one surveyed household with "
               "fibre or 4G.", (_T,), villages_with_internet),
        Metric("villages.with_smart_loudspeakers", "Villages with smart loudspeakers attested "
               "present.", (_T,), villages_with_smart_loudspeakers),
        Metric("villages.with_team", "Villages with an active community digital-technology "
               "team.", (_T,), villages_with_team),
        Metric("villages.recognised", "Villages recognised under the criteria set named in "
               "`params.criteria_set` by a `recognition.decision_issued` not revoked by a "
               "`recognition.revocation_issued`.", (_S,), villages_recognised),
        Metric("dossiers.resolved", "Administrative-procedure dossiers (`kind` procedure) "
               "resolved (`dossier.resolved`) within `params.window_days` before the as-of "
               "date: of the commune, or of applicants from the village.", (_D,),
               dossiers_resolved),
        Metric("dossiers.resolved_online", "Of those, resolved with channel `full_online` or "
               "`partial_online`.", (_D,), dossiers_resolved_online),
        Metric("dossiers.resolved_on_time", "Of those, resolved on time (`on_time`).", (_D,),
               dossiers_resolved_on_time),
        *(
            Metric(f"commune.{name}", f"Sum over the scope's communes of the value of the "
                   f"latest `unit_fact.attested` (by `attested_on`) for `{name}`, attested by "
                   "the commune officer with the evidence's SHA-256; 0 when never attested.",
                   (_S,), unit_fact(name))
            for name in UNIT_FACTS
        ),
        Metric("criteria_set.met", "1 when the unit meets the criteria set named in "
               "`params.criteria_set`, version `params.criteria_set_version` (unpinned: "
               "version 1, so a new version never changes a published set), by its decision "
               "rule as of the same date, else 0; the evidence is that of the nested set's "
               "indicators.", (_S,), _nested_set),
    ]
}  # fmt: skip
