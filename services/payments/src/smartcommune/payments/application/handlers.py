"""Command handlers: load, authorise, let the aggregate decide, store — one transaction each.

Every handler has the shape `(command, caller, deps, target_id)`, so the routing table at the
end, `COMMAND_HANDLERS`, is the service's map: what can be asked, and who answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from smartcommune.kit.store import ConcurrencyConflict

from ..adapters.tables import fee_requests
from ..domain.account import PaymentAccount
from ..domain.errors import InconsistentCommand
from ..domain.events import CashlessPaymentRecorded, MerchantRegistered, PaymentAccountOpened
from ..domain.fee import FeeRequest
from ..domain.merchant import Merchant
from ..domain.payment import CashlessPayment, payment_id_for
from ..domain.values import PartyKind, Purpose, mask_account_number, party_id_problem
from . import commands as c
from .errors import AlreadyRecorded, NotFound
from .ports import Caller, Dependencies, PaymentsUnitOfWork


# ---------------------------------------------------------------- accounts
def open_account(
    cmd: c.OpenAccount, caller: Caller, deps: Dependencies, _: str | None
) -> PaymentAccount:
    village, commune = deps.village(cmd.village_code)
    caller.authorize(village.path)
    if cmd.holder_kind.value != cmd.holder_id.split("-", 1)[0]:
        raise InconsistentCommand("holder_id", f"is not a {cmd.holder_kind.value} id")
    number = cmd.account_number.get_secret_value()
    facts = PaymentAccountOpened(
        holder_kind=cmd.holder_kind,
        holder_id=cmd.holder_id,
        village_code=village.code,
        provider_type=cmd.provider_type,
        provider=cmd.provider,
        masked_number=mask_account_number(number),
        opened_on=cmd.opened_on,
    )
    account_id = f"account-{uuid.uuid4()}"
    account = PaymentAccount.open(account_id, commune.code, village.path, facts, deps.clock())
    with deps.uow() as uow:
        if deps.vault is not None:
            existing = deps.vault.holder_of(uow.session, cmd.provider, number)
            if existing is not None:
                message = f"this {cmd.provider} account is already recorded as {existing}"
                raise AlreadyRecorded(message, existing)
            deps.vault.store(uow.session, account_id, cmd.provider, number)
        uow.streams.save(account, caller.actor, caller.trace)
        uow.commit()
    return account


def close_account(
    cmd: c.CloseAccount, caller: Caller, deps: Dependencies, account_id: str | None
) -> PaymentAccount:
    assert account_id is not None
    with deps.uow() as uow:
        account = uow.streams.get(PaymentAccount, account_id)
        if account is None:
            raise NotFound(f"no payment account {account_id}")
        caller.authorize(account.unit_path)
        account.close(cmd.closed_on, deps.clock())
        uow.streams.save(account, caller.actor, caller.trace)
        uow.commit()
    return account


# ---------------------------------------------------------------- merchants
def register_merchant(
    cmd: c.RegisterMerchant, caller: Caller, deps: Dependencies, _: str | None
) -> Merchant:
    village, commune = deps.village(cmd.village_code)
    caller.authorize(village.path)
    facts = MerchantRegistered(**cmd.model_dump())
    merchant = Merchant.register(
        f"merchant-{uuid.uuid4()}", commune.code, village.path, facts, deps.clock()
    )
    with deps.uow() as uow:
        uow.streams.save(merchant, caller.actor, caller.trace)
        uow.commit()
    return merchant


def change_qr_acceptance(
    cmd: c.ChangeQrAcceptance, caller: Caller, deps: Dependencies, merchant_id: str | None
) -> Merchant:
    assert merchant_id is not None
    with deps.uow() as uow:
        merchant = uow.streams.get(Merchant, merchant_id)
        if merchant is None:
            raise NotFound(f"no merchant {merchant_id}")
        caller.authorize(merchant.unit_path)
        merchant.change_qr_acceptance(cmd.accepts_qr, cmd.changed_on, deps.clock())
        uow.streams.save(merchant, caller.actor, caller.trace)
        uow.commit()
    return merchant


# ---------------------------------------------------------------- payments
@dataclass(frozen=True)
class Recorded:
    payment: CashlessPayment
    fee: FeeRequest | None


def _unit_of(cmd: c.RecordPayment, deps: Dependencies) -> tuple[str, str]:
    """(commune code, unit path) of a payment: the village's when known, else the commune's."""
    if cmd.village_code is not None:
        village, commune = deps.village(cmd.village_code)
        if cmd.commune_code is not None and cmd.commune_code != commune.code:
            raise InconsistentCommand("commune_code", f"village {village.code} is not in it")
        return commune.code, village.path
    if cmd.commune_code is None:
        raise InconsistentCommand("commune_code", "is required when village_code is not given")
    commune = deps.commune(cmd.commune_code)
    return commune.code, commune.path


def find_fee(uow: PaymentsUnitOfWork, commune_code: str, bill_number: str) -> FeeRequest:
    fee_id = uow.session.scalar(
        select(fee_requests.c.fee_id).where(
            fee_requests.c.commune_code == commune_code,
            fee_requests.c.bill_number == bill_number.upper(),
        )
    )
    fee = uow.streams.get(FeeRequest, fee_id) if fee_id else None
    if fee is None:
        message = f"no dossier fee of commune {commune_code} has this bill number"
        raise InconsistentCommand("bill_number", message)
    return fee


def record_in(uow: PaymentsUnitOfWork, cmd: c.RecordPayment, caller: Caller,
              deps: Dependencies) -> Recorded:  # fmt: skip
    """Record the payment (and pay its fee) in the caller's unit of work; not committed."""
    commune_code, unit_path = _unit_of(cmd, deps)
    caller.authorize(unit_path)
    fee = find_fee(uow, commune_code, cmd.bill_number) if cmd.bill_number else None
    for role, kind, party in (("payer", cmd.payer_kind, cmd.payer_id),
                              ("payee", cmd.payee_kind, cmd.payee_id)):  # fmt: skip
        if (problem := party_id_problem(kind, party)) is not None:
            raise InconsistentCommand(f"{role}_id", problem)
    household = cmd.household_id
    if cmd.payer_kind is PartyKind.HOUSEHOLD and household is None:
        household = cmd.payer_id
    if fee is not None:
        if cmd.purpose is not Purpose.PUBLIC_SERVICE_FEE:
            raise InconsistentCommand("purpose", "a dossier fee is a public_service_fee")
        if (cmd.payee_kind, cmd.payee_id) != (PartyKind.PUBLIC_BODY, commune_code):
            message = f"a dossier fee is paid to the commune: public_body {commune_code}"
            raise InconsistentCommand("payee_id", message)
    payment_id = payment_id_for(cmd.provider, cmd.transaction_id)
    facts = CashlessPaymentRecorded(
        purpose=cmd.purpose,
        channel=cmd.channel,
        amount_vnd=cmd.amount_vnd,
        payer_kind=cmd.payer_kind,
        payer_id=cmd.payer_id,
        payee_kind=cmd.payee_kind,
        payee_id=cmd.payee_id,
        household_id=household,
        village_code=cmd.village_code,
        paid_on=cmd.paid_on,
        provider=cmd.provider.upper(),
        provider_transaction_id=cmd.transaction_id,
        fee_id=fee.id if fee else None,
    )
    at = deps.clock()
    payment = CashlessPayment.record(commune_code, unit_path, facts, at)
    try:
        uow.streams.save(payment, caller.actor, caller.trace)
    except ConcurrencyConflict:
        message = f"transaction {cmd.transaction_id} of {cmd.provider} is already recorded"
        raise AlreadyRecorded(message, payment_id) from None
    if fee is not None:
        fee.pay(payment.id, cmd.channel, cmd.amount_vnd, cmd.paid_on, at)
        uow.streams.save(fee, caller.actor, caller.trace)
    return Recorded(payment, fee)


def record_payment(
    cmd: c.RecordPayment, caller: Caller, deps: Dependencies, _: str | None
) -> Recorded:
    with deps.uow() as uow:
        recorded = record_in(uow, cmd, caller, deps)
        uow.commit()
    return recorded


Handler = Callable[[Any, Caller, Dependencies, str | None], Any]

COMMAND_HANDLERS: dict[type[Any], Handler] = {
    c.OpenAccount: open_account,
    c.CloseAccount: close_account,
    c.RegisterMerchant: register_merchant,
    c.ChangeQrAcceptance: change_qr_acceptance,
    c.RecordPayment: record_payment,
}
