"""Bank and e-wallet notifications: trusted only when signed, fresh and new.

A provider signs each notification with its own secret: `X-Webhook-Signature: sha256=<hex>` is
HMAC-SHA256 over `<X-Webhook-Timestamp>.<raw body>`, the timestamp in Unix seconds. The service
refuses a notification whose signature does not verify (forged or altered), whose timestamp is
outside the window (stale — a captured request cannot be replayed later), and one whose
`notification_id` it has seen before (replayed within the window). The id is stored in the
same transaction as the payment it records, so a notification that failed can be sent again.

The credited account tells the commune: only a commune's collecting account (settings) takes
notifications; the bill number (given, or found in the transfer description) tells the fee.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from smartcommune.kit.events import Actor

from ..adapters.tables import fee_requests, webhook_notifications
from ..domain.errors import InconsistentCommand
from ..domain.fee import CollectingAccount
from ..domain.values import (
    AmountVnd,
    Moment,
    PartyKind,
    PaymentChannel,
    ProviderRef,
    Purpose,
    local_date,
)
from . import commands as c
from .errors import WebhookRefused
from .handlers import Recorded, record_in
from .ports import Caller, Dependencies

SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"


class Notification(BaseModel):
    """What a provider tells about a credit to a commune's collecting account."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    notification_id: ProviderRef = Field(description="unique per notification: the replay guard")
    transaction_id: ProviderRef
    account_number: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,19}$")] = Field(
        description="the credited account (a commune's collecting account)"
    )
    amount_vnd: AmountVnd
    paid_at: Moment
    channel: PaymentChannel = PaymentChannel.QR
    bill_number: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,25}$")] | None = None
    description: Annotated[str, Field(max_length=500)] | None = Field(
        None, description="the transfer text, searched for a bill number when none is given"
    )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`: what a provider sends."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secrets: Mapping[str, str], provider: str, headers: Mapping[str, str], body: bytes,
    now: datetime, tolerance_seconds: int,
) -> None:  # fmt: skip
    """Raise `WebhookRefused` unless the request is signed by the provider and fresh."""
    secret = secrets.get(provider)
    if secret is None:
        raise WebhookRefused("unknown-provider", f"no webhook is configured for {provider}", 404)
    timestamp, given = headers.get(TIMESTAMP_HEADER.lower()), headers.get(SIGNATURE_HEADER.lower())
    if not timestamp or not given:
        raise WebhookRefused("unsigned", f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are required")
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        raise WebhookRefused("bad-signature", "the signature does not match the request")
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise WebhookRefused("stale", "the timestamp must be Unix seconds")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > tolerance_seconds:
        message = f"the timestamp is {int(skew)} s away from now (at most {tolerance_seconds} s)"
        raise WebhookRefused("stale", message)


def _commune_of(collecting: Mapping[str, CollectingAccount], account: str) -> str:
    for commune_code, known in collecting.items():
        if hmac.compare_digest(known.account, account):
            return commune_code
    raise InconsistentCommand("account_number", "is not the collecting account of any commune")


def _bill_number(n: Notification, deps: Dependencies, commune_code: str) -> str:
    if n.bill_number is not None:
        return n.bill_number
    words = set(re.findall(r"[A-Za-z0-9]{8,25}", (n.description or "").upper()))
    if words:
        with deps.uow() as uow:
            found = uow.session.scalars(
                select(fee_requests.c.bill_number).where(
                    fee_requests.c.commune_code == commune_code,
                    fee_requests.c.bill_number.in_(sorted(words)),
                )
            ).all()
        if len(found) == 1:
            return str(found[0])
    raise InconsistentCommand("bill_number", "is missing and the description names no fee")


def accept(provider: str, n: Notification, deps: Dependencies) -> Recorded:
    """Record the notified payment and pay its fee; the notification id in the same commit."""
    commune_code = _commune_of(deps.collecting, n.account_number)
    command = c.RecordPayment(
        provider=provider,
        transaction_id=n.transaction_id,
        purpose=Purpose.PUBLIC_SERVICE_FEE,
        channel=n.channel,
        amount_vnd=n.amount_vnd,
        payer_kind=PartyKind.EXTERNAL,
        payee_kind=PartyKind.PUBLIC_BODY,
        payee_id=commune_code,
        commune_code=commune_code,
        paid_on=local_date(n.paid_at),
        bill_number=_bill_number(n, deps, commune_code),
    )
    caller = Caller(Actor(subject="service:payments", role=f"webhook-{provider.lower()}"),
                    authorize=lambda _path: None)  # fmt: skip
    with deps.uow() as uow:
        try:
            uow.session.execute(
                insert(webhook_notifications).values(
                    provider=provider, notification_id=n.notification_id,
                    received_at=deps.clock(), payment_id=None,
                )
            )  # fmt: skip
            uow.session.flush()
        except IntegrityError:
            message = f"notification {n.notification_id} was received before"
            raise WebhookRefused("replayed", message, 409) from None
        recorded = record_in(uow, command, caller, deps)
        uow.session.execute(
            update(webhook_notifications)
            .where(webhook_notifications.c.provider == provider,
                   webhook_notifications.c.notification_id == n.notification_id)
            .values(payment_id=recorded.payment.id)
        )  # fmt: skip
        uow.commit()
    return recorded
