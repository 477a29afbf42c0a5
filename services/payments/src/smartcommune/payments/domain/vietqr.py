"""VietQR payloads (NAPAS, on EMVCo merchant-presented mode): build, parse and validate.

A payload is a string of TLV fields — a 2-digit tag, a 2-digit length, the value — with
templates (38, 62) holding TLV fields of their own:

    00 "01"                 payload format indicator (always first)
    01 "11" | "12"          point of initiation: static (reusable) or dynamic (one payment)
    38 { 00 "A000000727"    NAPAS's globally unique identifier
         01 { 00 BIN        6-digit bank identification number of the beneficiary's bank
              01 number }   account or card number
         02 "QRIBFTTA" | "QRIBFTTC" }   transfer to an account / to a card
    53 "704"                currency: Vietnamese đồng (ISO 4217)
    54 amount               integer VND (optional in a static QR)
    58 "VN"                 country
    59 / 60                 merchant name / city (optional)
    62 { 01 bill number, 05 reference label, 08 purpose of transaction }   (optional)
    63 CRC                  CRC-16/CCITT-FALSE over everything before it, including "6304",
                            as 4 upper-case hex digits (always last)

Values are EMVCo "ans" characters (printable ASCII): Vietnamese text goes in without its
diacritics (`ascii_text`). Tags the service does not model (52 merchant category, other account
templates 26–51, 64 language template, 80–99 …) are kept in `extra` and written back in tag
order, so a payload in ascending tag order — as VietQR issuers write them — parses and rebuilds
byte for byte. Errors name the field as its tag path (`38.01.00`) and say what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

NAPAS_GUID = "A000000727"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
PAYLOAD_FORMAT = "01"
MAX_AMOUNT = 10**13 - 1  # 54 holds at most 13 characters
_ANS = re.compile(r"^[\x20-\x7e]*$")
_TAG = re.compile(r"^[0-9]{2}$")
#: Tags the model owns; anything else between 02 and 99 is kept verbatim in `extra`.
_MODELLED = frozenset({"00", "01", "38", "53", "54", "58", "59", "60", "62", "63"})
_ADDITIONAL = {"01": "bill_number", "05": "reference", "08": "purpose"}


class Initiation(StrEnum):
    STATIC = "11"
    DYNAMIC = "12"


class Service(StrEnum):
    TO_ACCOUNT = "QRIBFTTA"
    TO_CARD = "QRIBFTTC"


@dataclass(frozen=True)
class FieldError:
    field: str  # the tag path, e.g. "38.01.00", or "payload"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidVietQR(ValueError):  # noqa: N818 - named after what the caller is told
    """One or more fields of a payload (to parse) or of a request (to build) are wrong."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class VietQR:
    bank_bin: str
    account: str
    service: Service = Service.TO_ACCOUNT
    initiation: Initiation = Initiation.STATIC
    amount_vnd: int | None = None
    bill_number: str | None = None
    reference: str | None = None
    purpose: str | None = None
    merchant_name: str | None = None
    merchant_city: str | None = None
    #: (tag, raw value) of top-level fields the model does not interpret, kept for round trips
    extra: tuple[tuple[str, str], ...] = field(default=())
    #: (tag, raw value) of additional-data (62) sub-fields other than 01, 05, 08
    extra_additional: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        errors = _check(self)
        if errors:
            raise InvalidVietQR(errors)

    # ---------------------------------------------------------------- writing
    def payload(self) -> str:
        """The payload string, CRC included."""
        account = _tlv("00", self.bank_bin) + _tlv("01", self.account)
        merchant = _tlv("00", NAPAS_GUID) + _tlv("01", account) + _tlv("02", self.service.value)
        fields: list[tuple[str, str]] = [
            ("01", self.initiation.value),
            ("38", merchant),
            ("53", CURRENCY_VND),
            ("58", COUNTRY_VN),
            *self.extra,
        ]
        if self.amount_vnd is not None:
            fields.append(("54", str(self.amount_vnd)))
        if self.merchant_name is not None:
            fields.append(("59", self.merchant_name))
        if self.merchant_city is not None:
            fields.append(("60", self.merchant_city))
        additional = self._additional()
        if additional:
            fields.append(("62", additional))
        body = _tlv("00", PAYLOAD_FORMAT) + "".join(_tlv(t, v) for t, v in sorted(fields))
        return with_crc(body)

    def _additional(self) -> str:
        parts = [
            (tag, value)
            for tag, value in (
                ("01", self.bill_number),
                ("05", self.reference),
                ("08", self.purpose),
            )
            if value is not None
        ]
        parts += list(self.extra_additional)
        return "".join(_tlv(t, v) for t, v in sorted(parts))


# ---------------------------------------------------------------- CRC and TLV
def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_CRC_TABLE = _crc_table()


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no xor-out
    (table-driven: one lookup per byte instead of eight shifts)."""
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[(crc >> 8) ^ byte]
    return crc


def with_crc(body: str) -> str:
    """`body` + `6304` + its CRC as 4 upper-case hex digits."""
    head = body + "6304"
    return head + f"{crc16_ccitt_false(head.encode('ascii')):04X}"


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def split_tlv(text: str, where: str = "") -> tuple[list[tuple[str, str]], list[FieldError]]:
    """The (tag, value) fields of `text`, or the first structural error (truncated, bad length)."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        head = text[position : position + 4]
        at = f"{where}{head[:2]}" if len(head) >= 2 else (where.rstrip(".") or "payload")
        if len(head) < 4:
            return fields, [FieldError(at, f"truncated: {len(text) - position} characters left")]
        tag, length = head[:2], head[2:]
        if not _TAG.fullmatch(tag):
            return fields, [FieldError(where.rstrip(".") or "payload", f"tag {tag!r} at "
                                       f"character {position} is not two digits")]  # fmt: skip
        if not length.isdigit() or not length.isascii():
            return fields, [FieldError(at, f"length {length!r} is not two digits")]
        value = text[position + 4 : position + 4 + int(length)]
        if len(value) < int(length):
            message = f"declares {int(length)} characters but only {len(value)} follow"
            return fields, [FieldError(at, message)]
        if tag in {t for t, _ in fields}:
            return fields, [FieldError(at, "appears twice")]
        fields.append((tag, value))
        position += 4 + int(length)
    return fields, []


# ---------------------------------------------------------------- reading
def parse(payload: str) -> VietQR:
    """The VietQR in `payload`, or `InvalidVietQR` listing every field at fault."""
    if not isinstance(payload, str) or not payload:
        raise InvalidVietQR([FieldError("payload", "is empty")])
    if not _ANS.fullmatch(payload):
        bad = next(i for i, c in enumerate(payload) if not _ANS.fullmatch(c))
        message = f"character {bad} is not printable ASCII (EMVCo 'ans' characters only)"
        raise InvalidVietQR([FieldError("payload", message)])
    fields, errors = split_tlv(payload)
    if errors:
        raise InvalidVietQR(errors)
    errors = _check_frame(payload, fields)
    values = dict(fields)
    amount: int | None = None
    if "54" in values:
        amount_text = values["54"]
        if not re.fullmatch(r"[1-9][0-9]*", amount_text):
            errors.append(FieldError("54", "must be a whole number of VND without leading zeros"))
        else:
            amount = int(amount_text)
    bank_bin, account, service = _parse_merchant(values.get("38"), errors)
    additional, extra_additional = _parse_additional(values.get("62"), errors)
    initiation = values.get("01", "")
    if initiation not in {i.value for i in Initiation}:
        errors.append(FieldError("01", f"must be 11 (static) or 12 (dynamic), not {initiation!r}"))
    if errors:
        raise InvalidVietQR(errors)
    return VietQR(
        bank_bin=bank_bin,
        account=account,
        service=Service(service),
        initiation=Initiation(initiation),
        amount_vnd=amount,
        merchant_name=values.get("59"),
        merchant_city=values.get("60"),
        extra=tuple((t, v) for t, v in fields if t not in _MODELLED),
        extra_additional=extra_additional,
        **additional,
    )


def _check_frame(payload: str, fields: list[tuple[str, str]]) -> list[FieldError]:
    errors: list[FieldError] = []
    tags = [tag for tag, _ in fields]
    values = dict(fields)
    if not tags or tags[0] != "00":
        errors.append(FieldError("00", "the payload format indicator must come first"))
    elif values["00"] != PAYLOAD_FORMAT:
        errors.append(FieldError("00", f"must be {PAYLOAD_FORMAT!r}, not {values['00']!r}"))
    if not tags or tags[-1] != "63":
        errors.append(FieldError("63", "the CRC must come last"))
    elif not re.fullmatch(r"[0-9A-F]{4}", values["63"]):
        errors.append(FieldError("63", "must be 4 upper-case hexadecimal digits"))
    else:
        expected = with_crc(payload[:-8])[-4:]
        if values["63"] != expected:
            message = f"CRC is {values['63']} but the payload's CRC-16/CCITT-FALSE is {expected}"
            errors.append(FieldError("63", message))
    for tag, name in (("01", "point of initiation"), ("38", "NAPAS merchant account")):
        if tag not in values:
            errors.append(FieldError(tag, f"the {name} is missing"))
    for tag, wanted, name in (("53", CURRENCY_VND, "currency"), ("58", COUNTRY_VN, "country")):
        if tag not in values:
            errors.append(FieldError(tag, f"the {name} is missing (must be {wanted!r})"))
        elif values[tag] != wanted:
            errors.append(FieldError(tag, f"{name} must be {wanted!r}, not {values[tag]!r}"))
    return errors


def _parse_merchant(value: str | None, errors: list[FieldError]) -> tuple[str, str, str]:
    if value is None:
        return "", "", Service.TO_ACCOUNT.value
    fields, problems = split_tlv(value, "38.")
    errors.extend(problems)
    sub = dict(fields)
    if sub.get("00") != NAPAS_GUID:
        found = sub.get("00")
        message = "is missing" if found is None else f"must be {NAPAS_GUID!r}, not {found!r}"
        errors.append(FieldError("38.00", f"the NAPAS identifier {message}"))
    bank_bin = account = ""
    if "01" not in sub:
        errors.append(FieldError("38.01", "the beneficiary (bank BIN and account) is missing"))
    else:
        inner, problems = split_tlv(sub["01"], "38.01.")
        errors.extend(problems)
        beneficiary = dict(inner)
        bank_bin, account = beneficiary.get("00", ""), beneficiary.get("01", "")
        for tag, name in (("00", "bank BIN"), ("01", "account or card number")):
            if tag not in beneficiary:
                errors.append(FieldError(f"38.01.{tag}", f"the {name} is missing"))
    service = sub.get("02", "")
    if service not in {s.value for s in Service}:
        message = "is missing" if not service else f"must be QRIBFTTA or QRIBFTTC, not {service!r}"
        errors.append(FieldError("38.02", f"the service code {message}"))
        service = Service.TO_ACCOUNT.value
    if not problems and "00" in sub and "01" in sub:
        errors.extend(_merchant_errors(bank_bin, account))
    return bank_bin, account, service


def _parse_additional(
    value: str | None, errors: list[FieldError]
) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    if value is None:
        return {}, ()
    fields, problems = split_tlv(value, "62.")
    errors.extend(problems)
    known = {_ADDITIONAL[t]: v for t, v in fields if t in _ADDITIONAL}
    return known, tuple((t, v) for t, v in fields if t not in _ADDITIONAL)


# ---------------------------------------------------------------- rules of a payload
def _merchant_errors(bank_bin: str, account: str) -> list[FieldError]:
    errors = []
    if not re.fullmatch(r"[0-9]{6}", bank_bin):
        errors.append(FieldError("38.01.00", "the bank BIN must be 6 digits"))
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account):
        errors.append(FieldError("38.01.01", "the account or card number must be 1-19 letters "
                                             "or digits"))  # fmt: skip
    return errors


def _text_error(tag: str, value: str | None, limit: int) -> FieldError | None:
    if value is None:
        return None
    if not value:
        return FieldError(tag, "must not be empty (leave it out instead)")
    if not _ANS.fullmatch(value):
        return FieldError(tag, "must be printable ASCII: write Vietnamese without diacritics")
    if len(value) > limit:
        return FieldError(tag, f"must be at most {limit} characters, not {len(value)}")
    return None


def _check(qr: VietQR) -> list[FieldError]:
    errors = _merchant_errors(qr.bank_bin, qr.account)
    if qr.amount_vnd is not None and not 1 <= qr.amount_vnd <= MAX_AMOUNT:
        errors.append(FieldError("54", f"the amount must be 1 to {MAX_AMOUNT} VND"))
    if qr.initiation is Initiation.DYNAMIC and qr.amount_vnd is None:
        errors.append(FieldError("54", "a dynamic QR (01 = 12) must carry the amount"))
    for tag, value, limit in (
        ("59", qr.merchant_name, 25),
        ("60", qr.merchant_city, 15),
        ("62.01", qr.bill_number, 25),
        ("62.05", qr.reference, 25),
        ("62.08", qr.purpose, 25),
    ):
        if (error := _text_error(tag, value, limit)) is not None:
            errors.append(error)
    for tag, value in (*qr.extra, *(("62." + t, v) for t, v in qr.extra_additional)):
        tail = tag.split(".")[-1]
        if not _TAG.fullmatch(tail) or (tag in _MODELLED) or not _ANS.fullmatch(value):
            errors.append(FieldError(tag, "is not a field that can be kept as it is"))
        elif len(value) > 99:
            errors.append(FieldError(tag, "must be at most 99 characters"))
    if not errors and len(qr._additional()) > 99:
        errors.append(FieldError("62", "the additional data must total at most 99 characters"))
    return errors


def ascii_text(text: str, limit: int = 25) -> str:
    """Vietnamese text as EMVCo 'ans' characters: diacritics dropped (đ → d), others replaced
    by a space, spaces collapsed, cut to `limit` characters."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    printable = "".join(c if _ANS.fullmatch(c) else " " for c in plain)
    return " ".join(printable.split())[:limit].strip()
