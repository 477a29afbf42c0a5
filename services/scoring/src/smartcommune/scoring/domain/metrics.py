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
from dataclasses import dataclass
from datetime import date, timedelta

from .facts import FactBook, Pos, Resident

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


def _measure(items: Iterable[tuple[int, Iterable[Pos]]]) -> Measure:
    value, evidence = 0, set[Pos]()
    for amount, positions in items:
        value += amount
        evidence.update(positions)
    return Measure(value, frozenset(evidence))


def _residents(book: FactBook, scope: Scope) -> Iterable[tuple[str, Resident]]:
    return (
        (rid, r)
        for rid, r in book.residents.items()
        if not r.erased and r.village in scope.villages
    )


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
    holders: dict[str, Pos] = {}
    for account in book.accounts.values():
        if account.holder_kind == "resident" and not account.closed:
            holders.setdefault(account.holder_id, account.pos)
    return _measure(
        (1, [r.pos, holders[rid]]) for rid, r in _working_age(book, scope) if rid in holders
    )


def residents_working_age_trained(book: FactBook, scope: Scope) -> Measure:
    trained: dict[str, Pos] = {}
    for training in book.trainings.values():
        for attendee in training.attendees:
            trained.setdefault(attendee, training.pos)
    return _measure(
        (1, [r.pos, trained[rid]]) for rid, r in _working_age(book, scope) if rid in trained
    )


def _households(book: FactBook, scope: Scope) -> Iterable[tuple[str, Pos]]:
    return ((hid, h.pos) for hid, h in book.households.items() if h.village in scope.villages)


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
    paying: dict[str, Pos] = {}
    for payment in book.payments.values():
        if payment.purpose in UTILITY_PURPOSES and payment.household is not None:
            paying.setdefault(payment.household, payment.pos)
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
        for s in book.surveys.values()
        if s.village in scope.villages
    ]


def survey_working_age_members(book: FactBook, scope: Scope) -> Measure:
    return _measure((w, [pos]) for w, _, _, pos in _surveys_in(book, scope))


def survey_working_age_with_smartphone(book: FactBook, scope: Scope) -> Measure:
    return _measure((phones, [pos]) for _, phones, _, pos in _surveys_in(book, scope))


def survey_working_age_with_online_skills(book: FactBook, scope: Scope) -> Measure:
    return _measure((skills, [pos]) for _, _, skills, pos in _surveys_in(book, scope))


def merchants_total(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, m.positions[:1]) for m in book.merchants.values() if m.village in scope.villages
    )


def merchants_accepting_qr(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (1, m.positions)
        for m in book.merchants.values()
        if m.village in scope.villages and m.accepts_qr
    )


def facility_present(name: str) -> MetricFn:
    def count(book: FactBook, scope: Scope) -> Measure:
        return _measure(
            (1, [f.pos])
            for (village, facility), f in book.facilities.items()
            if facility == name and f.present and village in scope.villages
        )

    return count


def security_cameras_count(book: FactBook, scope: Scope) -> Measure:
    return _measure(
        (f.count, [f.pos])
        for (village, facility), f in book.facilities.items()
        if facility == "security_cameras" and f.present and village in scope.villages
    )


def _active_teams(book: FactBook, villages: frozenset[str]) -> Iterable[tuple[str, list[Pos]]]:
    return (
        (t.village, t.positions)
        for t in book.teams.values()
        if t.village in villages and not t.dissolved and t.members
    )


def teams_active(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for _, positions in _active_teams(book, scope.villages))


def villages_total(book: FactBook, scope: Scope) -> Measure:
    return Measure(len(scope.counted_villages), frozenset())


def _villages_with(found: dict[str, list[Pos]]) -> Measure:
    return _measure((1, positions) for positions in found.values())


def villages_with_internet(book: FactBook, scope: Scope) -> Measure:
    found: dict[str, list[Pos]] = {}
    for survey in book.surveys.values():
        if survey.village in scope.counted_villages and (survey.has_fibre or survey.has_4g):
            found.setdefault(survey.village, []).append(survey.pos)
    return _villages_with({v: sorted(p)[:1] for v, p in found.items()})


def villages_with_smart_loudspeakers(book: FactBook, scope: Scope) -> Measure:
    found = {
        village: [f.pos]
        for (village, facility), f in book.facilities.items()
        if facility == "smart_loudspeakers" and f.present and village in scope.counted_villages
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
    for d in book.dossiers.values():
        if d.kind != "procedure" or d.resolved_on is None or d.resolved_pos is None:
            continue
        if since is not None and d.resolved_on <= since:
            continue
        if d.commune in scope.communes or (d.village is not None and d.village in scope.villages):
            yield d.online, d.on_time, [d.pos, d.resolved_pos]


def dossiers_resolved(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for _, _, positions in _resolved(book, scope))


def dossiers_resolved_online(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, positions) for online, _, positions in _resolved(book, scope) if online)


def dossiers_resolved_on_time(book: FactBook, scope: Scope) -> Measure:
    return _measure((1, p) for _, on_time, p in _resolved(book, scope) if on_time)


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
        Metric("criteria_set.met", "1 when the unit meets the criteria set named in "
               "`params.criteria_set` (its decision rule) as of the same date, else 0; the "
               "evidence is that of the nested set's indicators.", (_S,), _nested_set),
    ]
}  # fmt: skip
