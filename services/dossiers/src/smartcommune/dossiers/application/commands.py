"""Commands: what a caller asks for, validated field by field before any handler runs.

They double as the REST request bodies (so OpenAPI shows exactly what a handler accepts). A
command on an existing dossier states the `expected_version` it was decided on: optimistic
concurrency, a mismatch is a 409. `occurred_at` is the business time of the step; it defaults to
now and may be earlier (a step recorded after the fact), never later than now.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..domain.values import (
    ApplicantRef,
    ApplicantType,
    Channel,
    CommuneCode,
    Day,
    DossierNumber,
    FeeVnd,
    Kind,
    LongText,
    Moment,
    Outcome,
    ProcedureCode,
    Satisfaction,
    ShortText,
    VillageCode,
)


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SubmitDossier(Command):
    dossier_number: DossierNumber = Field(description="the one-stop shop's own dossier number")
    kind: Kind = Kind.PROCEDURE
    commune_code: CommuneCode = Field(description="the commune competent for the dossier")
    procedure_code: ProcedureCode | None = None
    procedure_name: ShortText
    channel: Channel
    receiving_unit: ShortText = Field(description="e.g. the Public Administration Service Centre")
    fee_vnd: FeeVnd = 0
    applicant_ref: ApplicantRef | None = Field(None, description="pseudonymous id, never a name")
    applicant_type: ApplicantType | None = None
    applicant_home_commune: CommuneCode | None = None
    applicant_village: VillageCode | None = None
    handling_department: ShortText | None = None
    handling_officer_ref: ApplicantRef | None = None
    submitted_at: Moment | None = None


Version = Annotated[int, Field(ge=1, le=1_000_000, description="the dossier's current version")]


class Transition(Command):
    expected_version: Version
    occurred_at: Moment | None = None


class ReceiveDossier(Transition):
    appointment_date: Day = Field(description="the appointment (due) date for the result")


class RefuseDossier(Transition):
    reason: LongText


class StartProcessing(Transition):
    pass


class RequestSupplement(Transition):
    reason: LongText


class SupplementDossier(Transition):
    pass


class ExtendDossier(Transition):
    new_due_date: Day
    reason: LongText
    apology: LongText = Field(description="the letter of apology (thư xin lỗi) or its number")


class StopDossier(Transition):
    reason: LongText


class ResolveDossier(Transition):
    outcome: Outcome = Outcome.GRANTED


class ReturnResult(Transition):
    pass


class RateDossier(Transition):
    satisfaction: Satisfaction
