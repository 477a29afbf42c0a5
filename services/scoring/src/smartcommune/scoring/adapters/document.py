"""The decision document (quyết định) in Vietnamese: HTML and PDF, the signature alongside.

The HTML of the decision *content* (without the signature fields and without its own hash) is
what `document_sha256` names, so the rendering is deterministic: the same content always gives
the same bytes. The rendered pages then add the signature block. The PDF uses Source Sans Pro
from the `font-source-sans-pro` package (it has every Vietnamese glyph), so no system font is
needed and every machine renders the same text.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from html import escape
from importlib.resources import files
from typing import Any

from fpdf import FPDF

#: The TTF files of the `font-source-sans-pro` package (found as package data, not imported).
_FONT_DIR = files("font_source_sans_pro") / "files"
_KINDS = {
    "recognition.decision_issued": ("Về việc công nhận đạt chuẩn", "Công nhận"),
    "recognition.revocation_issued": ("Về việc thu hồi quyết định công nhận", "Thu hồi công nhận"),
}


def _value(ind: dict[str, Any]) -> str:
    if ind["denominator"] is None:
        return str(ind["numerator"])
    return f"{ind['numerator']}/{ind['denominator']}"


def _threshold(ind: dict[str, Any]) -> str:
    return f"≥ {ind['threshold']}" + ("‰" if ind["denominator"] is not None else "")


def lines(kind: str, content: dict[str, Any], set_title: str) -> list[tuple[str, str]]:
    """The document as (style, text) lines; HTML and PDF are two renderings of it."""
    about, verb = _KINDS[kind]
    authority, criteria = content["authority"], content["criteria_set"]
    out = [
        ("center", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("center", "Độc lập - Tự do - Hạnh phúc"),
        ("text", f"Số: {content['decision_number']}    Ngày: {content['decided_on']}"),
        ("title", "QUYẾT ĐỊNH"),
        ("center", f"{about} theo {set_title}"),
        ("text", f"Cơ quan: {authority['unit_path']} ({authority['level']})"),
        ("text", f"Bộ tiêu chí: {criteria['id']} phiên bản {criteria['version']} "
                 f"(SHA-256 {criteria['sha256']})"),
        ("text", f"Số liệu tính đến ngày: {content['as_of']}"),
    ]  # fmt: skip
    if kind == "recognition.revocation_issued":
        out.append(("text", f"Thu hồi quyết định số {content['revokes_decision_number']}. "
                            f"Lý do: {content['reason']}"))  # fmt: skip
    out.append(("heading", f"Điều 1. {verb} các đơn vị sau:"))
    for unit in content["units"]:
        out.append(("heading", f"{unit['name']} (mã {unit['code']}, {unit['path']})"))
        for ind in unit["indicators"]:
            met = "Đạt" if ind["met"] else "Chưa đạt"
            kind_label = "bắt buộc" if ind["mandatory"] else "khác"
            threshold = f"ngưỡng {_threshold(ind)} [{ind['threshold_basis']}]"
            out.append(("row", f"{ind['indicator_id']} ({kind_label}): {_value(ind)} — "
                               f"{threshold} — {met}"))  # fmt: skip
    out.append(("heading", "Điều 2. Căn cứ dữ liệu (mốc chứng cứ theo chuỗi sự kiện):"))
    for entry in content["evidence_frontier"]:
        out.append(("row", f"{entry['service']}/{entry['commune_code']} đến sự kiện số "
                           f"{entry['chain_seq']} (hash {entry['hash']})"))  # fmt: skip
    signer = content["signer"]
    out.append(("heading", "Người ký"))
    out.append(("text", f"{signer['username']} ({signer['role']}), chứng thư số "
                        f"{signer['certificate_serial']}"))  # fmt: skip
    return out


def content_html(kind: str, content: dict[str, Any], set_title: str) -> str:
    tags = {"center": "p class=c", "title": "h1", "heading": "h2", "row": "li", "text": "p"}
    body = "\n".join(
        f"<{tags[style]}>{escape(text)}</{tags[style].split()[0]}>"
        for style, text in lines(kind, content, set_title)
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>Quyết định {escape(content['decision_number'])}</title>"
        "<style>.c{text-align:center}body{font-family:sans-serif;max-width:50em}</style>"
        f"</head><body>\n{body}\n"
    )


def document_sha256(kind: str, content: dict[str, Any], set_title: str) -> str:
    return hashlib.sha256(content_html(kind, content, set_title).encode("utf-8")).hexdigest()


def render_html(kind: str, payload: dict[str, Any], set_title: str) -> str:
    """The full page: the content, its hash, and the detached signature beside it."""
    return (
        content_html(kind, payload, set_title)
        + "<h2>Chữ ký số</h2>"
        + f"<p>SHA-256 văn bản: {escape(payload['document_sha256'])}</p>"
        + f"<p>Thời điểm ký: {escape(payload['signed_at'])}</p>"
        + "<p>Chữ ký CMS tách rời (base64):</p>"
        + f"<pre style='white-space:pre-wrap;word-break:break-all'>"
        f"{escape(payload['signature_cms_b64'])}</pre>\n</body></html>\n"
    )


def render_pdf(kind: str, payload: dict[str, Any], set_title: str) -> bytes:
    pdf = FPDF(format="A4")
    # The decision's own date, not the rendering time: the same content gives the same bytes.
    pdf.set_creation_date(datetime.combine(date.fromisoformat(payload["decided_on"]), time(), UTC))
    pdf.add_font("SourceSans", "", str(_FONT_DIR / "SourceSansPro-Regular.ttf"))
    pdf.add_font("SourceSans", "B", str(_FONT_DIR / "SourceSansPro-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw
    for style, text in lines(kind, payload, set_title):
        bold = style in ("title", "heading")
        size = {"title": 16, "heading": 12}.get(style, 10)
        pdf.set_font("SourceSans", "B" if bold else "", size)
        align = "C" if style in ("center", "title") else "L"
        indent = "    " if style == "row" else ""
        pdf.multi_cell(
            width, size * 0.55, indent + text, align=align, new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_font("SourceSans", "B", 12)
    pdf.multi_cell(width, 7, "Chữ ký số", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("SourceSans", "", 8)
    for text in (
        f"SHA-256 văn bản: {payload['document_sha256']}",
        f"Thời điểm ký: {payload['signed_at']}",
        f"Chữ ký CMS tách rời (base64): {payload['signature_cms_b64']}",
    ):
        pdf.multi_cell(width, 4, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
