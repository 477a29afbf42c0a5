"""Statistics on a hand-computed example: two communes of one district, figures per commune and
rolled up, each counted on the date its definition names — and identical after a rebuild."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartcommune.dossiers.adapters.projection import rebuild_projections
from smartcommune.dossiers.application.statistics import Figures, Share, Tally, total
from smartcommune.dossiers.bootstrap import Service

Headers = Callable[[str], dict[str, str]]
MARCH = "from=2026-03-01&to=2026-03-31"


def live(client: TestClient, headers: dict[str, str], body: dict[str, Any], *steps: Any) -> None:
    """Submit a dossier and walk it through (step, day-and-time, extra body fields)."""
    response = client.post("/dossiers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    dossier = response.json()
    for step, when, extra in steps:
        payload = {"expected_version": dossier["version"], "occurred_at": f"{when}+07:00", **extra}
        response = client.post(
            f"/dossiers/{dossier['dossier_id']}/{step}", json=payload, headers=headers
        )
        assert response.status_code == 200, response.text
        dossier = response.json()


def receive(day: str, due: str) -> tuple[str, str, dict[str, str]]:
    return ("receive", f"{day}T09:00:00", {"appointment_date": due})


def resolve(day: str) -> tuple[str, str, dict[str, str]]:
    return ("resolve", f"{day}T15:00:00", {})


def returned(day: str) -> tuple[str, str, dict[str, str]]:
    return ("return-result", f"{day}T16:00:00", {})


def rated(day: str, how: str) -> tuple[str, str, dict[str, str]]:
    return ("rate", f"{day}T17:00:00", {"satisfaction": how})


@pytest.fixture
def example(client: TestClient, auth: Headers, submission: Callable[..., dict[str, Any]]) -> None:
    cao, lang = auth("commune.officer"), auth("neighbour.officer")

    def at(day: str) -> str:
        return f"{day}T08:00:00+07:00"

    # Cao Phong — A: full online, 3 days, on time, very satisfied
    live(
        client,
        cao,
        submission("H-A", channel="full_online", submitted_at=at("2026-03-02")),
        receive("2026-03-02", "2026-03-09"),
        resolve("2026-03-05"),
        returned("2026-03-06"),
        rated("2026-03-06", "very_satisfied"),
    )
    # B: partial online, 4 days, late, dissatisfied
    live(
        client,
        cao,
        submission("H-B", channel="partial_online", submitted_at=at("2026-03-02")),
        receive("2026-03-02", "2026-03-04"),
        resolve("2026-03-06"),
        returned("2026-03-07"),
        rated("2026-03-07", "dissatisfied"),
    )
    # C: in person, 7 days, on time (resolved on the due date)
    live(
        client,
        cao,
        submission("H-C", channel="in_person", submitted_at=at("2026-03-03")),
        receive("2026-03-03", "2026-03-10"),
        resolve("2026-03-10"),
    )
    # D: by post, refused
    live(
        client,
        cao,
        submission("H-D", channel="postal", submitted_at=at("2026-03-04")),
        ("refuse", "2026-03-04T10:00:00", {"reason": "Không thuộc thẩm quyền"}),
    )
    # E: full online, still processing
    live(
        client,
        cao,
        submission("H-E", channel="full_online", submitted_at=at("2026-03-05")),
        receive("2026-03-05", "2026-03-12"),
        ("start-processing", "2026-03-05T10:00:00", {}),
    )
    # G: submitted in February, resolved in March: 10 days, late
    live(
        client,
        cao,
        submission("H-G", channel="in_person", submitted_at=at("2026-02-20")),
        receive("2026-02-20", "2026-02-27"),
        resolve("2026-03-02"),
    )
    # a work record: never in the procedure statistics
    work = submission(
        "H-W",
        kind="work_record",
        procedure_code=None,
        applicant_ref=None,
        applicant_type=None,
        applicant_home_commune=None,
        applicant_village=None,
        handling_department="Văn phòng UBND xã",
        submitted_at=at("2026-03-02"),
    )
    live(client, cao, work, receive("2026-03-02", "2026-03-03"), resolve("2026-03-03"))
    # Lãng Công — F: in person, 2 days, on time, satisfied
    live(client, lang, submission("H-F", commune_code="08923", channel="in_person",
                                  applicant_home_commune="08923", applicant_village="0892301",
                                  submitted_at=at("2026-03-02")),
         receive("2026-03-02", "2026-03-06"), resolve("2026-03-04"), returned("2026-03-05"),
         rated("2026-03-05", "satisfied"))  # fmt: skip


def share(numerator: int, denominator: int, value: str | None) -> dict[str, Any]:
    return {"numerator": numerator, "denominator": denominator, "value": value}


CAO_PHONG = {
    "submitted": 5,
    "by_status": {"processing": 1, "rated": 2, "refused": 1, "resolved": 1},
    "resolved": 4,
    "share_resolved_online": share(2, 4, "0.5000"),
    "share_full_process": share(2, 5, "0.4000"),
    "share_on_time": share(2, 4, "0.5000"),
    "mean_processing_days": "6.00",  # (3 + 4 + 7 + 10) / 4
    "share_satisfied": share(1, 2, "0.5000"),
}
SONG_LO = {
    "submitted": 6,
    "by_status": {"processing": 1, "rated": 3, "refused": 1, "resolved": 1},
    "resolved": 5,
    "share_resolved_online": share(2, 5, "0.4000"),
    "share_full_process": share(2, 6, "0.3333"),
    "share_on_time": share(3, 5, "0.6000"),
    "mean_processing_days": "5.20",  # 26 / 5
    "share_satisfied": share(2, 3, "0.6667"),
}


@pytest.mark.usefixtures("example")
def test_a_communes_figures_match_the_hand_computed_example(
    client: TestClient, auth: Headers
) -> None:
    answer = client.get(f"/units/08920/statistics?{MARCH}", headers=auth("commune.officer"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["figures"] == CAO_PHONG
    assert answer.json()["from"] == "2026-03-01"


@pytest.mark.usefixtures("example")
def test_the_district_is_the_sum_of_its_communes_not_the_mean_of_their_shares(
    client: TestClient, auth: Headers
) -> None:
    answer = client.get(f"/units/253/statistics?{MARCH}", headers=auth("district.officer")).json()
    assert answer["figures"] == SONG_LO
    communes = {c["unit"]["code"]: c["figures"] for c in answer["communes"]}
    assert communes["08920"] == CAO_PHONG
    assert communes["08926"]["submitted"] == 0
    province = client.get(f"/units/26/statistics?{MARCH}", headers=auth("province.admin"))
    assert province.json()["figures"] == SONG_LO


@pytest.mark.usefixtures("example")
def test_work_records_have_their_own_statistics(client: TestClient, auth: Headers) -> None:
    answer = client.get(
        f"/units/08920/statistics?{MARCH}&kind=work_record", headers=auth("auditor")
    )
    figures = answer.json()["figures"]
    assert (figures["submitted"], figures["resolved"]) == (1, 1)
    assert figures["share_satisfied"]["value"] is None


@pytest.mark.usefixtures("example")
def test_the_csv_export_has_the_total_first_then_one_line_per_commune(
    client: TestClient, auth: Headers
) -> None:
    answer = client.get(f"/units/253/statistics.csv?{MARCH}", headers=auth("district.officer"))
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("unit_code,unit_name")
    assert lines[1].startswith("253,Huyện Sông Lô,district,VN-26/song-lo,procedure,2026-03-01")
    assert len(lines) == 2 + 4  # header, district, four communes
    assert ",0.6000,5.20," in lines[1]


@pytest.mark.usefixtures("example")
def test_rebuilding_the_projection_from_the_events_gives_identical_statistics(
    client: TestClient, auth: Headers, service: Service
) -> None:
    def snapshot() -> tuple[Any, Any]:
        stats = client.get(f"/units/26/statistics?{MARCH}", headers=auth("auditor")).json()
        listing = client.get("/units/26/dossiers?limit=200", headers=auth("auditor")).json()
        return stats, listing

    before = snapshot()
    assert rebuild_projections(service.engine) == 8
    assert snapshot() == before


def test_shares_and_means_are_computed_from_summed_tallies() -> None:
    small = Tally(resolved=1, on_time=1, processing_days=1)
    large = Tally(resolved=99, on_time=0, processing_days=99 * 3)
    figures = Figures.of(total({"a": small, "b": large}))
    assert figures.share_on_time == Share(1, 100)
    assert figures.share_on_time.value == Decimal("0.0100")
    assert figures.mean_processing_days == Decimal("2.98")
    assert Share(0, 0).value is None
    assert Share(2, 3).value == Decimal("0.6667")
