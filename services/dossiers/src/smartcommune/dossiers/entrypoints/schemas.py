"""Response bodies of the REST API (request bodies are the application's commands)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from ..application.statistics import Figures, Share


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this service is answered."""

    type: str
    title: str
    title_vi: str | None = None
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] | None = Field(None, description="[{field, message}] for 4xx")


class DossierView(BaseModel):
    dossier_id: str
    dossier_number: str
    kind: str
    commune_code: str
    unit_path: str
    procedure_code: str | None
    procedure_name: str
    channel: str
    receiving_unit: str
    fee_vnd: int
    applicant_ref: str | None
    applicant_type: str | None
    applicant_home_commune: str | None
    applicant_village: str | None
    handling_department: str | None
    handling_officer_ref: str | None
    status: str
    version: int = Field(description="send it back as expected_version with the next step")
    submitted_at: datetime
    received_at: datetime | None
    due_date: date | None
    paused_days: int
    extensions: int
    closed_at: datetime | None
    resolved_at: datetime | None
    outcome: str | None
    on_time: bool | None
    processing_days: int | None
    returned_at: datetime | None
    rated_at: datetime | None
    satisfaction: str | None
    allowed_steps: list[str] = Field(default_factory=list)


class HistoryEntry(BaseModel):
    event_id: str
    event_type: str
    event_version: int
    stream_version: int
    chain_seq: int
    occurred_at: datetime
    recorded_at: datetime
    actor: dict[str, str]
    payload: dict[str, Any]
    hash: str


class DossierWithHistory(DossierView):
    history: list[HistoryEntry]


class DossierPage(BaseModel):
    items: list[DossierView]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null: last")


class ShareView(BaseModel):
    numerator: int
    denominator: int
    value: Decimal | None = Field(description="numerator / denominator, 4 places; null if 0/0")

    @classmethod
    def of(cls, share: Share) -> ShareView:
        return cls(numerator=share.numerator, denominator=share.denominator, value=share.value)


class FiguresView(BaseModel):
    submitted: int
    by_status: dict[str, int]
    resolved: int
    share_resolved_online: ShareView
    share_full_process: ShareView
    share_on_time: ShareView
    mean_processing_days: Decimal | None
    share_satisfied: ShareView

    @classmethod
    def of(cls, f: Figures) -> FiguresView:
        return cls(
            submitted=f.submitted,
            by_status=f.by_status,
            resolved=f.resolved,
            share_resolved_online=ShareView.of(f.share_resolved_online),
            share_full_process=ShareView.of(f.share_full_process),
            share_on_time=ShareView.of(f.share_on_time),
            mean_processing_days=f.mean_processing_days,
            share_satisfied=ShareView.of(f.share_satisfied),
        )


class UnitView(BaseModel):
    code: str
    name: str
    type: str
    path: str


class CommuneFigures(BaseModel):
    unit: UnitView
    figures: FiguresView


class StatisticsView(BaseModel):
    unit: UnitView
    kind: str
    period_from: date = Field(serialization_alias="from")
    period_to: date = Field(serialization_alias="to")
    figures: FiguresView = Field(description="the unit's total: the sum over its communes")
    communes: list[CommuneFigures]


class RejectedRow(BaseModel):
    row: int
    field: str
    reason: str


class ImportReportView(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectedRow]
