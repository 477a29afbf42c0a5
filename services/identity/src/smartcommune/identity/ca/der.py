"""A strict, minimal DER reader: just enough ASN.1 to read a CMS SignerInfo.

`cryptography` (50.x) builds CMS signatures and reads their certificates, but cannot verify one.
Rather than add an ASN.1 library for the handful of structures `Verify` needs, this reads DER
and nothing else: definite, minimally encoded lengths and low tag numbers only. Anything looser
(BER, indefinite lengths, trailing bytes) is refused — for a signature verifier, "could not
parse" is a safe answer, while a lenient parser is a classic source of forgeries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

SEQUENCE, SET, INTEGER, OCTET_STRING, OID, NULL = 0x30, 0x31, 0x02, 0x04, 0x06, 0x05
UTC_TIME, GENERALIZED_TIME = 0x17, 0x18
_MAX_LENGTH = 1 << 24  # 16 MiB: no structure we read is anywhere near this


class DerError(ValueError):
    """The bytes are not the DER structure expected."""


@dataclass(frozen=True)
class Tlv:
    tag: int
    content: bytes
    raw: bytes  # the whole encoding, tag and length included

    def expect(self, tag: int, what: str) -> Tlv:
        if self.tag != tag:
            raise DerError(f"{what}: expected tag 0x{tag:02x}, found 0x{self.tag:02x}")
        return self

    def children(self) -> list[Tlv]:
        if not self.tag & 0x20:
            raise DerError(f"tag 0x{self.tag:02x} is not constructed")
        items, offset = [], 0
        while offset < len(self.content):
            item, offset = _read(self.content, offset)
            items.append(item)
        return items


def parse(data: bytes) -> Tlv:
    """Exactly one TLV spanning all of `data`."""
    tlv, end = _read(data, 0)
    if end != len(data):
        raise DerError(f"{len(data) - end} trailing bytes after the structure")
    return tlv


def _read(data: bytes, offset: int) -> tuple[Tlv, int]:
    start = offset
    if offset + 2 > len(data):
        raise DerError("truncated")
    tag = data[offset]
    if tag & 0x1F == 0x1F:
        raise DerError("high tag numbers are not used in CMS")
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0:
            raise DerError("indefinite length (BER) is not DER")
        if count > 3 or offset + count > len(data):
            raise DerError("length too long")
        length = int.from_bytes(data[offset : offset + count], "big")
        if length < 0x80 or data[offset] == 0:
            raise DerError("length is not minimally encoded")
        offset += count
    end = offset + length
    if end > len(data) or length > _MAX_LENGTH:
        raise DerError("truncated")
    return Tlv(tag, data[offset:end], data[start:end]), end


def oid(tlv: Tlv) -> str:
    body = tlv.expect(OID, "object identifier").content
    if not body or body[-1] & 0x80:
        raise DerError("malformed object identifier")
    arcs, value = [], 0
    for byte in body:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in (first, arcs[0] - 40 * first, *arcs[1:]))


def integer(tlv: Tlv) -> int:
    body = tlv.expect(INTEGER, "integer").content
    if not body:
        raise DerError("empty integer")
    return int.from_bytes(body, "big", signed=True)


def time(tlv: Tlv) -> datetime:
    """UTCTime (RFC 5280 years 1950–2049) or GeneralizedTime, both in `Z`."""
    text = tlv.content.decode("ascii", errors="replace")
    if tlv.tag == UTC_TIME and len(text) == 13 and text.endswith("Z"):
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tlv.tag == GENERALIZED_TIME and len(text) == 15 and text.endswith("Z")):
        raise DerError("signing time is neither UTCTime nor GeneralizedTime in Z")
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise DerError(f"bad time {text!r}") from exc
