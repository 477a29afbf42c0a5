"""One row of a one-stop-shop export, as the import understands it (CSV header = field names).

Times may omit the zone: exports from the one-stop-shop software are in local time, so a time
without an offset is read as Vietnam time (UTC+7). Empty cells are absent values. Detail fields
belong to a step and need its time (an `appointment_date` without `received_at` is refused).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from ..domain.errors import InconsistentCommand
from ..domain.values import (
    VIETNAM,
    ApplicantRef,
    ApplicantType,
    Channel,
    CommuneCode,
    Day,
    DossierNumber,
    FeeVnd,
    Kind,
    LongText,
    Outcome,
    ProcedureCode,
    Satisfaction,
    ShortText,
    VillageCode,
    plausible_moment,
)


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=VIETNAM) if value.tzinfo is None else value


LocalMoment = Annotated[datetime, AfterValidator(_local), AfterValidator(plausible_moment)]

#: detail field → the time of the step it belongs to
DETAILS = {
    "appointment_date": "received_at",
    "refusal_reason": "refused_at",
    "supplement_reason": "supplement_requested_at",
    "extended_due_date": "extended_at",
    "extension_reason": "extended_at",
    "apology": "extended_at",
    "stop_reason": "stopped_at",
    "satisfaction": "rated_at",
}
SUBMISSION_FIELDS = (
    "dossier_number",
    "kind",
    "procedure_code",
    "procedure_name",
    "channel",
    "receiving_unit",
    "fee_vnd",
    "applicant_ref",
    "applicant_type",
    "applicant_home_commune",
    "applicant_village",
    "handling_department",
    "handling_officer_ref",
)


class ImportRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    dossier_number: DossierNumber
    kind: Kind = Kind.PROCEDURE
    procedure_code: ProcedureCode | None = None
    procedure_name: ShortText
    channel: Channel
    receiving_unit: ShortText
    fee_vnd: FeeVnd = 0
    applicant_ref: ApplicantRef | None = None
    applicant_type: ApplicantType | None = None
    applicant_home_commune: CommuneCode | None = None
    applicant_village: VillageCode | None = None
    handling_department: ShortText | None = None
    handling_officer_ref: ApplicantRef | None = None
    submitted_at: LocalMoment
    received_at: LocalMoment | None = None
    appointment_date: Day | None = None
    refused_at: LocalMoment | None = None
    refusal_reason: LongText | None = None
    processing_started_at: LocalMoment | None = None
    supplement_requested_at: LocalMoment | None = None
    supplement_reason: LongText | None = None
    supplemented_at: LocalMoment | None = None
    extended_at: LocalMoment | None = None
    extended_due_date: Day | None = None
    extension_reason: LongText | None = None
    apology: LongText | None = None
    stopped_at: LocalMoment | None = None
    stop_reason: LongText | None = None
    resolved_at: LocalMoment | None = None
    outcome: Outcome = Outcome.GRANTED
    result_returned_at: LocalMoment | None = None
    rated_at: LocalMoment | None = None
    satisfaction: Satisfaction | None = None

    def submission(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SUBMISSION_FIELDS}

    def check_details(self) -> None:
        for detail, time in DETAILS.items():
            if getattr(self, detail) is not None and getattr(self, time) is None:
                raise InconsistentCommand(detail, f"is given but {time} is empty")

    def need(self, name: str) -> Any:
        """A detail its step cannot do without (e.g. the reason of a refusal)."""
        value = getattr(self, name)
        if value is None:
            raise InconsistentCommand(name, f"is required with {DETAILS[name]}")
        return value


FIELDS: tuple[str, ...] = tuple(ImportRecord.model_fields)
