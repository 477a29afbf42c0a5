"""Idempotency receipts: the answer to a write, kept under the caller's `Idempotency-Key`.

A receipt is inserted in the same transaction as the events it answers for, so either both
exist or neither: a retry after a lost answer finds the receipt and gets the original answer;
a retry after a failure finds none and runs again. Two concurrent requests with one key race
on the primary key; the loser's transaction is rolled back and it answers from the winner's
receipt (`ReceiptTaken`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smartcommune.kit.store import UnitOfWork

from ..application.idempotency import Receipt, ReceiptTaken, Replay
from .tables import idempotency_keys as t


class SqlReceipts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, owner: str, key: str) -> Replay | None:
        row = (
            self._session.execute(select(t).where(t.c.owner == owner, t.c.key == key))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Replay(
            operation=row["operation"], fingerprint=row["fingerprint"],
            status_code=row["status_code"], body=json.loads(row["body"]),
        )  # fmt: skip

    def keep(self, receipt: Receipt, status_code: int, body: object) -> None:
        values = {
            "owner": receipt.owner, "key": receipt.key, "operation": receipt.operation,
            "fingerprint": receipt.fingerprint, "status_code": status_code,
            "body": json.dumps(body, ensure_ascii=False, sort_keys=True),
            "created_at": datetime.now(UTC),
        }  # fmt: skip
        try:
            with self._session.begin_nested():
                self._session.execute(insert(t).values(**values))
        except IntegrityError:
            raise ReceiptTaken(receipt.owner, receipt.key) from None


def prune_receipts(engine: Engine, before: datetime) -> int:
    """Delete receipts kept since before `before`; returns how many. A client retries within
    minutes or hours: after the retention period a key can only be a mistake, and the events
    themselves are never touched."""
    with UnitOfWork(engine) as uow:
        done = uow.session.execute(delete(t).where(t.c.created_at < before))
        uow.commit()
    return int(getattr(done, "rowcount", 0) or 0)
