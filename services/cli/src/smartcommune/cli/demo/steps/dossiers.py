"""Dossiers: a year of the one-stop shop's dossiers imported from its export, then a few new
ones walked through their lifecycle one REST call per step, as the officer would."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..api import Api, DemoError
from ..commune import AS_OF, START, Commune, day
from .identity import People


@dataclass
class Dossiers:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    by_channel: Counter[str] = field(default_factory=Counter)
    live: list[dict[str, Any]] = field(default_factory=list)
    #: the commune's figures as the dossiers service computes them
    statistics: dict[str, Any] = field(default_factory=dict)


def import_year(dossiers: Api, commune: Commune, people: People) -> Dossiers:
    """The year's export, applicants by pseudonymous id, through `POST /imports`."""
    result = Dossiers()
    adults = {
        village.code: [people.resident(p.key) for p in village.people if p.age >= 18]
        for village in commune.villages
    }
    records = []
    for index, record in enumerate(commune.dossiers):
        village = record.get("applicant_village")
        if isinstance(village, str) and adults.get(village):
            pool = adults[village]
            record = {**record, "applicant_ref": pool[index % len(pool)]}
        records.append(record)
        result.by_channel[str(record["channel"])] += 1
    report = dossiers.post("/imports", {"dossiers": records}, params={"commune_code": commune.code})
    result.imported, result.duplicates = report["accepted"], report["duplicates"]
    result.rejected = len(report["rejected"])
    if report["rejected"]:
        first = report["rejected"][0]
        raise DemoError(f"dossier import rejected row {first['row']}: {first}")
    return result


#: (procedure, channel, fee, the steps after submission) of the December dossiers
LIVE = (
    ("2.000908", "Chứng thực bản sao từ bản chính", "full_online", 10_000,
     ("receive", "start-processing", "resolve", "return-result", "rate")),
    ("1.001193", "Đăng ký khai sinh", "partial_online", 0,
     ("receive", "start-processing", "request-supplement", "supplement", "resolve",
      "return-result", "rate")),
    ("1.004227", "Xác nhận tình trạng hôn nhân", "in_person", 0,
     ("receive", "start-processing", "extend", "resolve", "return-result")),
)  # fmt: skip


def walk_live(dossiers: Api, commune: Commune, people: People) -> list[dict[str, Any]]:
    """Three December dossiers, each step a REST call carrying the version it was decided on."""
    village = commune.villages[0]
    applicant = people.resident(next(p.key for p in village.people if p.age >= 18))
    walked = []
    for number, (code, name, channel, fee, steps) in enumerate(LIVE, start=1):
        on = day(352 + 3 * number).isoformat()
        view = dossiers.post("/dossiers", {
            "dossier_number": f"H62.08920-{on[2:4]}{on[5:7]}{on[8:]}-9{number:03d}",
            "commune_code": commune.code, "procedure_code": code, "procedure_name": name,
            "channel": channel, "receiving_unit": "Bộ phận một cửa UBND xã Cao Phong",
            "fee_vnd": fee, "applicant_ref": applicant, "applicant_type": "citizen",
            "applicant_home_commune": commune.code, "applicant_village": village.code,
            "submitted_at": f"{on}T08:00:00+07:00",
        })  # fmt: skip
        for hour, step in enumerate(steps, start=9):
            body: dict[str, Any] = {
                "expected_version": view["version"],
                "occurred_at": f"{on}T{min(hour, 17):02d}:00:00+07:00",
            }
            body |= _details(step, date.fromisoformat(on))
            view = dossiers.post(f"/dossiers/{view['dossier_id']}/{step}", body)
        walked.append(view)
    return walked


def _details(step: str, submitted: date) -> dict[str, Any]:
    due = (submitted + timedelta(days=5)).isoformat()
    return {
        "receive": {"appointment_date": due},
        "request-supplement": {"reason": "Bổ sung bản sao giấy chứng sinh"},
        "extend": {"new_due_date": (submitted + timedelta(days=9)).isoformat(),
                   "reason": "Cần xác minh tại nơi cư trú trước", "apology": "Thư xin lỗi 31/TXL"},
        "rate": {"satisfaction": "very_satisfied"},
    }.get(step, {})  # fmt: skip


def statistics(dossiers: Api, commune: Commune) -> dict[str, Any]:
    """The commune's year as the dossiers service counts it (its own projection)."""
    return dict(
        dossiers.get(
            f"/units/{commune.code}/statistics",
            **{"from": START.isoformat(), "to": AS_OF.isoformat()},
        )
    )
