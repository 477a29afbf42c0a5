"""Consuming `dossiers.events.v1`: a dossier submitted with a fee gets its payment request.

Read tolerantly: only `dossier.submitted` matters here, and of it only the fields this service
needs (the dossiers service may add more). The request is recorded with the dossier's business
time and the commune's collecting account from the settings. A commune without one is a
configuration fault only an operator can fix: the event is dead-lettered with that reason, to be
re-published once the account is set. The fee's stream id is derived from the dossier's, so a
second delivery finds it there and does nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from smartcommune.kit.consumer import DeadLetter
from smartcommune.kit.events import Actor, EventEnvelope
from smartcommune.kit.events.fields import thaw
from smartcommune.kit.store import EventStore, UnitOfWork

from ..adapters.repository import EventSourcedStreams
from ..domain.fee import CollectingAccount, FeeRequest, fee_id_for
from ..domain.values import DOSSIER_ID, MAX_AMOUNT_VND, DossierNumber, local_date

ACTOR = Actor.for_service("payments")


class SubmittedWithFee(BaseModel):
    """The part of `dossier.submitted` v1 this service reads."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    dossier_number: DossierNumber
    fee_vnd: Annotated[int, Field(ge=0, le=MAX_AMOUNT_VND)]


class DossierFees:
    """The handler of the `payments.fees` consumer."""

    def __init__(self, store: EventStore, collecting: Mapping[str, CollectingAccount]) -> None:
        self._store, self._collecting = store, collecting

    def __call__(self, uow: UnitOfWork, envelope: EventEnvelope) -> None:
        if envelope.event_type != "dossier.submitted":
            return
        if envelope.event_version != 1:
            raise DeadLetter(f"dossier.submitted v{envelope.event_version} is not known here")
        try:
            facts = SubmittedWithFee.model_validate(thaw(envelope.payload))
        except ValidationError as exc:
            raise DeadLetter(f"dossier.submitted: {exc.error_count()} invalid fields") from None
        if facts.fee_vnd == 0:
            return
        if not re.fullmatch(DOSSIER_ID, envelope.stream_id):
            raise DeadLetter(f"{envelope.stream_id} is not a dossier id")
        collecting = self._collecting.get(envelope.commune_code)
        if collecting is None:
            raise DeadLetter(f"no collecting account is configured for {envelope.commune_code}")
        streams = EventSourcedStreams(uow, self._store)
        if streams.get(FeeRequest, fee_id_for(envelope.stream_id)) is not None:
            return  # the same dossier delivered again, e.g. from another copy of the event
        fee = FeeRequest.request(
            dossier_id=envelope.stream_id,
            dossier_number=facts.dossier_number,
            commune_code=envelope.commune_code,
            unit_path=envelope.unit_path,
            amount_vnd=facts.fee_vnd,
            collecting=collecting,
            at=envelope.occurred_at,
            requested_on=local_date(envelope.occurred_at),
        )
        streams.save(fee, ACTOR, envelope.trace)
