"""The dossier's events (`dossiers.events.v1`), all version 1, on one `PayloadRegistry`.

Business time is the envelope's `occurred_at`; payloads carry what each step decided. Dates are
ISO dates counted in Vietnam time; amounts are integer VND; nothing is a float (the canonical
JSON refuses them). `dossier.resolved` repeats the kind, channel and deadline facts on purpose:
a consumer such as `scoring` can then count "resolved online" and "on time" from that event
alone, without folding each dossier's whole history.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from smartcommune.kit.events import EventPayload, PayloadRegistry

from .values import (
    ApplicantRef,
    ApplicantType,
    Channel,
    CommuneCode,
    DossierNumber,
    FeeVnd,
    Kind,
    LongText,
    Outcome,
    ProcedureCode,
    Satisfaction,
    ShortText,
    VillageCode,
)

registry = PayloadRegistry("dossiers")


@registry.register
class DossierSubmitted(EventPayload):
    """A dossier reached the commune. Applicant fields are for procedure dossiers only; the
    handling department and officer for work records only. Codes, never names or paths."""

    event_type = "dossier.submitted"
    event_version = 1
    dossier_number: DossierNumber
    kind: Kind
    procedure_code: ProcedureCode | None
    procedure_name: ShortText
    channel: Channel
    receiving_unit: ShortText
    fee_vnd: FeeVnd
    applicant_ref: ApplicantRef | None
    applicant_type: ApplicantType | None
    applicant_home_commune: CommuneCode | None
    applicant_village: VillageCode | None
    handling_department: ShortText | None
    handling_officer_ref: ApplicantRef | None


@registry.register
class DossierReceived(EventPayload):
    event_type = "dossier.received"
    event_version = 1
    appointment_date: date


@registry.register
class DossierRefused(EventPayload):
    event_type = "dossier.refused"
    event_version = 1
    reason: LongText


@registry.register
class DossierProcessingStarted(EventPayload):
    event_type = "dossier.processing_started"
    event_version = 1


@registry.register
class DossierSupplementRequested(EventPayload):
    event_type = "dossier.supplement_requested"
    event_version = 1
    reason: LongText


@registry.register
class DossierSupplemented(EventPayload):
    """`due_date` is the deadline from now on: moved by `paused_days` when the clock paused."""

    event_type = "dossier.supplemented"
    event_version = 1
    clock_paused: bool
    paused_days: Annotated[int, Field(ge=0)]
    due_date: date


@registry.register
class DossierExtended(EventPayload):
    """An extension comes with a letter of apology (thư xin lỗi) to the applicant."""

    event_type = "dossier.extended"
    event_version = 1
    new_due_date: date
    reason: LongText
    apology: LongText


@registry.register
class DossierStopped(EventPayload):
    event_type = "dossier.stopped"
    event_version = 1
    reason: LongText


@registry.register
class DossierResolved(EventPayload):
    event_type = "dossier.resolved"
    event_version = 1
    outcome: Outcome
    kind: Kind
    channel: Channel
    due_date: date
    on_time: bool
    processing_days: Annotated[int, Field(ge=0)]


@registry.register
class DossierResultReturned(EventPayload):
    event_type = "dossier.result_returned"
    event_version = 1


@registry.register
class DossierRated(EventPayload):
    event_type = "dossier.rated"
    event_version = 1
    satisfaction: Satisfaction
