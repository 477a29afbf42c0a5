"""A VietQR payload as an image (PNG or SVG), drawn by `segno` (pure Python, no Pillow).

Error correction level M, as banking apps print them: the payload fits comfortably and a
slightly worn sticker on a market stall still scans.
"""

from __future__ import annotations

import io

import segno


def _code(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error="m", encoding="ascii")


def png(payload: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(payload).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def svg(payload: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(payload).save(out, kind="svg", scale=scale, border=4, xmldecl=False, title="VietQR")
    return out.getvalue()
