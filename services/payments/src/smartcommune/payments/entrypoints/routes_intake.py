"""Intake from providers: statements (CSV) uploaded by officials, and signed webhooks.

Both read the raw body by hand: a statement must be judged row by row, and a webhook's
signature is computed over the exact bytes received, before they are parsed.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Principal

from ..application import webhook
from ..application.errors import AlreadyRecorded, StatementInvalid
from ..application.statements import COLUMNS, import_statement, parse_statement
from ..bootstrap import Service
from .rules import WRITE, caller_for
from .schemas import ImportReportView, WebhookAnswer

Provider = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
STATEMENT_BODY: dict[str, Any] = {
    "required": True,
    "description": f"CSV with the columns {', '.join(COLUMNS)} (UTF-8, header first)",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}
WEBHOOK_BODY: dict[str, Any] = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notification"}}},
}
WEBHOOK_HEADERS = [
    {"name": webhook.TIMESTAMP_HEADER, "in": "header", "required": True,
     "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
     "description": "Unix seconds; at most the configured tolerance away from now"},
    {"name": webhook.SIGNATURE_HEADER, "in": "header", "required": True,
     "schema": {"type": "string"},
     "description": "sha256=<hex HMAC-SHA256 over `<timestamp>.<raw body>`>"},
]  # fmt: skip


async def _read(request: Request, limit: int) -> bytes:
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=5)
        except Exception:  # malformed multipart of any kind is the client's error
            raise StatementInvalid(
                [{"row": "0", "field": "body", "message": "is not readable multipart/form-data"}]
            ) from None
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise StatementInvalid(
                [
                    {
                        "row": "0",
                        "field": "file",
                        "message": "a multipart part named 'file' is required",
                    }
                ]
            )
        data = await upload.read(limit + 1)
    elif content_type.startswith("text/csv"):
        chunks, size = [], 0
        async for chunk in request.stream():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        data = b"".join(chunks)
    else:
        raise HTTPException(415, "send text/csv or multipart/form-data (file)")
    if len(data) > limit:
        raise HTTPException(413, f"the statement is larger than {limit} bytes")
    return data  # fmt: skip


def intake_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["intake"])
    deps = service.deps

    @router.post(
        "/imports/statements",
        operation_id="import_statement",
        openapi_extra={"requestBody": STATEMENT_BODY},
    )
    async def import_statement_(
        request: Request,
        provider: Annotated[str, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$")],
        commune_code: Annotated[str, Query(pattern=r"^[0-9]{5}$")],
        who: Annotated[Principal, Depends(current)],
    ) -> ImportReportView:
        """Import a provider's statement for a commune; every row is validated before any is
        recorded (422 lists each faulty cell); rows recorded before count as duplicates."""
        caller = caller_for(who, WRITE)
        commune = deps.commune(commune_code)
        caller.authorize(commune.path)
        data = await _read(request, service.settings.import_max_bytes)
        rows = await run_in_threadpool(parse_statement, data, provider, commune.code, deps)
        report = await run_in_threadpool(import_statement, rows, caller, deps)
        return ImportReportView(
            accepted=report.accepted, duplicates=report.duplicates, fees_paid=report.fees_paid,
            rejected=report.rejected,
        )  # fmt: skip

    @router.post(
        "/webhooks/{provider}",
        operation_id="provider_webhook",
        openapi_extra={"requestBody": WEBHOOK_BODY, "parameters": WEBHOOK_HEADERS},
    )
    async def provider_webhook(provider: Provider, request: Request) -> WebhookAnswer:
        """A bank's or e-wallet's notification of a credit to a commune's collecting account
        (no token: signed with the provider's secret; stale or replayed ones are refused)."""
        body = await request.body()
        secrets = {
            name.upper(): secret.get_secret_value()
            for name, secret in service.settings.webhook_secrets.items()
        }
        now = deps.clock()
        tolerance = service.settings.webhook_tolerance_seconds
        webhook.verify(secrets, provider.upper(), request.headers, body, now, tolerance)
        try:
            notification = webhook.Notification.model_validate(json.loads(body))
        except (ValueError, RecursionError) as exc:
            errors = (
                [{"field": ".".join(map(str, e["loc"])) or "body", "message": e["msg"]}
                 for e in exc.errors()]
                if isinstance(exc, ValidationError)
                else [{"field": "body", "message": "is not valid JSON"}]
            )  # fmt: skip
            raise StatementInvalid(errors) from None
        try:
            recorded = await run_in_threadpool(webhook.accept, provider.upper(), notification, deps)
        except AlreadyRecorded as exc:
            return WebhookAnswer(status="duplicate", payment_id=exc.existing_id, fee_id=None,
                                 fee_status=None)  # fmt: skip
        fee = recorded.fee
        return WebhookAnswer(
            status="recorded", payment_id=recorded.payment.id,
            fee_id=fee.id if fee else None, fee_status="paid" if fee and fee.paid else None,
        )  # fmt: skip

    return router
