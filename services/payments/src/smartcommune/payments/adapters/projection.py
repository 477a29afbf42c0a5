"""Inline projection of the aggregates into their read-model rows (same transaction as the
events), and its rebuild from the event store. Each row is a function of the aggregate, which
is a fold of its events, so the inline path and the rebuild cannot disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Table, delete, insert, update
from sqlalchemy.orm import Session

from smartcommune.kit.events import EventEnvelope
from smartcommune.kit.store import EventStore, UnitOfWork

from ..domain.account import PaymentAccount
from ..domain.aggregate import Aggregate, Change
from ..domain.events import registry
from ..domain.fee import FeeRequest
from ..domain.merchant import Merchant
from ..domain.payment import CashlessPayment
from .tables import cashless_payments, fee_requests, merchants, payment_accounts


def account_row(a: PaymentAccount) -> dict[str, Any]:
    facts = a.opened
    return {
        "account_id": a.id,
        "holder_kind": facts.holder_kind.value,
        "holder_id": facts.holder_id,
        "village_code": facts.village_code,
        "commune_code": a.commune_code,
        "unit_path": a.unit_path,
        "provider_type": facts.provider_type.value,
        "provider": facts.provider,
        "masked_number": facts.masked_number,
        "opened_on": facts.opened_on,
        "closed_on": a.closed_on,
        "version": a.version,
    }


def merchant_row(m: Merchant) -> dict[str, Any]:
    facts = m.registered
    return {
        "merchant_id": m.id,
        "village_code": facts.village_code,
        "commune_code": m.commune_code,
        "unit_path": m.unit_path,
        "kind": facts.kind.value,
        "accepts_qr": m.accepts_qr,
        "registered_on": facts.registered_on,
        "changed_on": m.since,
        "version": m.version,
    }


def payment_row(p: CashlessPayment) -> dict[str, Any]:
    assert p.facts is not None
    return {
        **p.facts.model_dump(mode="json", exclude={"paid_on"}),
        "paid_on": p.facts.paid_on,
        "payment_id": p.id,
        "commune_code": p.commune_code,
        "unit_path": p.unit_path,
    }


def fee_row(f: FeeRequest) -> dict[str, Any]:
    facts = f.requested
    return {
        "fee_id": f.id,
        "dossier_id": facts.dossier_id,
        "dossier_number": facts.dossier_number,
        "commune_code": f.commune_code,
        "unit_path": f.unit_path,
        "amount_vnd": facts.amount_vnd,
        "bill_number": facts.bill_number,
        "vietqr_payload": facts.vietqr_payload,
        "requested_on": facts.requested_on,
        "status": "paid" if f.paid else "requested",
        "payment_id": f.paid.payment_id if f.paid else None,
        "paid_on": f.paid.paid_on if f.paid else None,
        "channel": f.paid.channel.value if f.paid else None,
        "version": f.version,
    }


_ROWS: dict[type[Aggregate], tuple[Table, str, Any]] = {
    PaymentAccount: (payment_accounts, "account_id", account_row),
    Merchant: (merchants, "merchant_id", merchant_row),
    CashlessPayment: (cashless_payments, "payment_id", payment_row),
    FeeRequest: (fee_requests, "fee_id", fee_row),
}


def project(session: Session, aggregate: Aggregate, *, new: bool) -> None:
    table, key, row_of = _ROWS[type(aggregate)]
    row = row_of(aggregate)
    if new:
        session.execute(insert(table).values(**row))
    else:
        ident = row.pop(key)
        session.execute(update(table).where(table.c[key] == ident).values(**row))


_KINDS: dict[str, type[Aggregate]] = {
    "account": PaymentAccount,
    "merchant": Merchant,
    "payment": CashlessPayment,
    "fee": FeeRequest,
}
REPLAY_PAGE = 2000


def rebuild_projections(engine: Engine, store: EventStore | None = None) -> int:
    """Truncate the aggregates' read models and replay every event of the service into them;
    returns the number of aggregates. One transaction: readers see the old rows or the new.

    The residents and households (from identity) and the vault are not projections of this
    service's events and are left alone; rebuild those by resetting the consumer's group.
    """
    store = store or EventStore(registry)
    streams: dict[str, list[EventEnvelope]] = {}
    with UnitOfWork(engine) as uow:
        position = 0
        while page := store.read_all(uow, after_position=position, limit=REPLAY_PAGE):
            for item in page:
                streams.setdefault(item.envelope.stream_id, []).append(item.envelope)
            position = page[-1].position
        for table, _, _ in _ROWS.values():
            uow.session.execute(delete(table))
        for stream_id, envelopes in streams.items():
            kind = _KINDS[stream_id.split("-", 1)[0]]
            first = sorted(envelopes, key=lambda e: e.stream_version)
            changes = [Change(registry.decode(e), e.occurred_at) for e in first]
            aggregate = kind.replay(stream_id, first[0].commune_code, first[0].unit_path, changes)
            project(uow.session, aggregate, new=True)
        uow.commit()
    return len(streams)
