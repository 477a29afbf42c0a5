"""`POST /imports`: onboard a commune from its one-stop-shop export (CSV or JSON).

The body is read by hand rather than declared as a model, because a single bad row must reject
that row only — a declared model would refuse the whole request. It is size-limited while it is
read, parsed and replayed in worker threads, and answered with a row-by-row report.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from smartcommune.kit.auth import Principal

from ..adapters.import_parsing import ImportFileError, parse_export
from ..application.importing import ImportDossiers, ImportReport
from ..bootstrap import Service
from .rules import writer
from .schemas import ImportReportView, RejectedRow

RECORD_REF = {"$ref": "#/components/schemas/ImportRecord"}
REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["dossiers"],
                "additionalProperties": False,
                "properties": {"dossiers": {"type": "array", "items": RECORD_REF}},
            }
        },
    },
}


async def _body(request: Request, limit: int) -> tuple[bytes, str | None, str]:
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form(max_files=1, max_fields=5)
        except Exception:  # malformed multipart of any kind is the client's error
            raise ImportFileError(
                "body", "is not readable multipart/form-data (one part `file`, few others)"
            ) from None
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ImportFileError("file", "a multipart part named 'file' is required")
        data = await upload.read(limit + 1)
        filename, content_type = upload.filename, upload.content_type or ""
    elif content_type.startswith(("application/json", "text/csv")):
        chunks, size = [], 0
        async for chunk in request.stream():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        data, filename = b"".join(chunks), None
    else:
        raise HTTPException(415, "send multipart/form-data (file), text/csv or application/json")
    if len(data) > limit:
        raise HTTPException(413, f"the file is larger than {limit} bytes")
    return data, filename, content_type


def import_router(service: Service, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(tags=["imports"])

    @router.post(
        "/imports", operation_id="import_dossiers", openapi_extra={"requestBody": REQUEST_BODY}
    )
    async def import_dossiers(
        request: Request,
        commune_code: Annotated[str, Query(pattern=r"^[0-9]{5}$")],
        who: Annotated[Principal, Depends(current)],
    ) -> ImportReportView:
        """Import a commune's dossiers; rows already recorded count as duplicates."""
        caller = writer(who)
        data, filename, content_type = await _body(request, service.settings.import_max_bytes)
        rows, rejected = await run_in_threadpool(parse_export, data, filename, content_type)
        command = ImportDossiers(commune_code, rows, rejected)
        report: ImportReport = await run_in_threadpool(service.bus.handle, command, caller)
        return ImportReportView(
            accepted=report.accepted,
            duplicates=report.duplicates,
            rejected=[
                RejectedRow(row=r.row, field=r.field, reason=r.reason) for r in report.rejected
            ],
        )

    return router
