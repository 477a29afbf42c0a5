"""VietQR tools: build a payload (JSON, PNG or SVG) and parse / validate one, field by field.

They read and write nothing stored: a commune officer checks the QR printed on a market stall,
a tech-team member draws one for a merchant.
"""

# No `from __future__ import annotations`: FastAPI reads these signatures at runtime.

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from smartcommune.kit.auth import Principal, authorize

from ..adapters import qr_image
from ..application import commands as c
from ..domain import vietqr
from .rules import QR_TOOLS
from .schemas import QrView
from .views import qr_view

IMAGES: dict[int | str, dict[str, Any]] = {200: {"content": {"image/png": {}, "image/svg+xml": {}}}}


def _build(command: c.BuildQr) -> vietqr.VietQR:
    fields = command.model_dump(exclude={"dynamic"})
    initiation = vietqr.Initiation.DYNAMIC if command.dynamic else vietqr.Initiation.STATIC
    return vietqr.VietQR(**fields, initiation=initiation)


def vietqr_router(current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/vietqr", tags=["vietqr"])
    Who = Annotated[Principal, Depends(current)]  # noqa: N806 - a type alias, named like one

    @router.post("", operation_id="build_vietqr")
    def build_vietqr(command: c.BuildQr, who: Who) -> QrView:
        """The payload of a transfer to a bank account or card (static or dynamic)."""
        authorize(who, QR_TOOLS, None)
        return qr_view(_build(command))

    @router.post("/image", operation_id="render_vietqr", response_class=Response,
                 responses=IMAGES)  # fmt: skip
    def render_vietqr(
        command: c.BuildQr, who: Who, format: Annotated[Literal["png", "svg"], Query()] = "png"
    ) -> Response:
        """The same QR as an image to print or show."""
        authorize(who, QR_TOOLS, None)
        payload = _build(command).payload()
        if format == "svg":
            return Response(qr_image.svg(payload), media_type="image/svg+xml")
        return Response(qr_image.png(payload), media_type="image/png")

    @router.post("/parse", operation_id="parse_vietqr")
    def parse_vietqr(command: c.ParseQr, who: Who) -> QrView:
        """Read a payload; a wrong one is a 422 naming each field (tag path) and its fault."""
        authorize(who, QR_TOOLS, None)
        return qr_view(vietqr.parse(command.payload))

    return router
