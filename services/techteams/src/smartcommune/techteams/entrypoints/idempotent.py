"""Running a write under its `Idempotency-Key` (see `application.idempotency` for the why).

Every write endpoint requires the header. The answer of a successful write is kept with its
events; the same key and body again replay it with `Idempotent-Replayed: true` and record
nothing; the same key with another body is a 409 `idempotency-key-reused`. Failed writes keep
nothing (they recorded nothing), so their retry runs again.
"""

# No `from __future__ import annotations`: FastAPI reads `IdempotencyKey` at runtime.

import dataclasses
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from smartcommune.kit.auth import Principal, Rule
from smartcommune.kit.store import UnitOfWork

from ..adapters.receipts import SqlReceipts
from ..application.idempotency import KeyReused, Receipt, ReceiptTaken, Replay, fingerprint
from ..bootstrap import Service
from .rules import writer

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{7,127}$",
        description="a fresh random value per write (e.g. a UUID), the same on every retry",
    ),
]
REPLAYED = "Idempotent-Replayed"


def _answer(status: int, body: Any, location: str | None, replayed: bool) -> JSONResponse:
    headers = {"Location": location} if location else {}
    if replayed:
        headers[REPLAYED] = "true"
    return JSONResponse(body, status_code=status, headers=headers)


def run_write(
    service: Service,
    request: Request,
    principal: Principal,
    rule: Rule,
    key: str,
    command: BaseModel,
    render: Callable[[Any], BaseModel],
    *,
    target_id: str | None = None,
    status: int = 200,
    location: Callable[[dict[str, Any]], str] | None = None,
) -> JSONResponse:
    caller = writer(principal, rule)  # the role first: a replay is no way around it
    operation = f"{request.method} {request.url.path}"
    stamp = fingerprint(operation, command.model_dump(mode="json"))

    def replay(found: Replay) -> JSONResponse:
        if found.fingerprint != stamp:
            raise KeyReused(key)
        where = location(found.body) if location and found.status_code == 201 else None
        return _answer(found.status_code, found.body, where, replayed=True)

    def find() -> Replay | None:
        with UnitOfWork(service.engine, read_only=True) as uow:
            return SqlReceipts(uow.session).find(principal.subject, key)

    if (found := find()) is not None:
        return replay(found)

    def to_body(result: Any) -> tuple[int, Any]:
        return status, render(result).model_dump(mode="json")

    receipt = Receipt(principal.subject, key, operation, stamp, to_body)
    try:
        with_receipt = dataclasses.replace(caller, receipt=receipt)
        result = service.bus.handle(command, with_receipt, target_id)
    except ReceiptTaken:
        again = find()
        assert again is not None, "a receipt taken is a receipt committed"
        return replay(again)
    _, body = to_body(result)
    return _answer(status, body, location(body) if location else None, replayed=False)
