"""VietQR payloads: the published example round-trips byte for byte, every payload the service
builds is read back identically by an independent parser (`vietqr-emvco` from PyPI), and a
wrong payload is refused naming the field (tag path) and what is wrong with it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vietqr_emvco import VietQRParser  # type: ignore[import-untyped]  # ships no type hints

from smartcommune.payments.domain.fee import CollectingAccount, bill_number_for, fee_qr
from smartcommune.payments.domain.vietqr import (
    Initiation,
    InvalidVietQR,
    Service,
    VietQR,
    ascii_text,
    crc16_ccitt_false,
    parse,
    split_tlv,
    with_crc,
)

#: DOMAIN.md's published example: a dynamic transfer of 120,000 VND to a VietinBank account.
EXAMPLE = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA5303704540612000"
    "05802VN62170813ung ho lu lut6304C15C"
)


def test_crc16_ccitt_false_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue's check value


def test_the_published_example_round_trips_byte_for_byte() -> None:
    qr = parse(EXAMPLE)
    assert (qr.bank_bin, qr.account, qr.service) == ("970415", "0011001932418", Service.TO_ACCOUNT)
    assert (qr.initiation, qr.amount_vnd, qr.purpose) == (
        Initiation.DYNAMIC,
        120_000,
        "ung ho lu lut",
    )
    assert qr.payload() == EXAMPLE
    rebuilt = VietQR(
        bank_bin="970415", account="0011001932418", initiation=Initiation.DYNAMIC,
        amount_vnd=120_000, purpose="ung ho lu lut",
    )  # fmt: skip
    assert rebuilt.payload() == EXAMPLE


def test_the_independent_parser_reads_the_example_as_we_do() -> None:
    theirs = VietQRParser.parse(EXAMPLE)
    assert VietQRParser.verify_checksum(EXAMPLE)
    assert (theirs["bank_bin"], theirs["account_number"], theirs["service_code"]) == (
        "970415", "0011001932418", "QRIBFTTA",
    )  # fmt: skip


# ---------------------------------------------------------------- every payload we build
ANS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=25)
ACCOUNT = st.text("0123456789", min_size=1, max_size=19)
OPTIONAL_TEXT = st.none() | ANS


@st.composite
def vietqrs(draw: st.DrawFn) -> VietQR:
    initiation = draw(st.sampled_from(Initiation))
    amount: int | None = draw(st.integers(1, 10**13 - 1))
    if initiation is Initiation.STATIC:
        amount = draw(st.none() | st.just(amount))
    bill, reference, purpose = draw(OPTIONAL_TEXT), draw(OPTIONAL_TEXT), draw(OPTIONAL_TEXT)
    return VietQR(
        bank_bin=draw(st.text("0123456789", min_size=6, max_size=6)),
        account=draw(ACCOUNT),
        service=draw(st.sampled_from(Service)),
        initiation=initiation,
        amount_vnd=amount,
        bill_number=bill,
        reference=reference,
        purpose=purpose,
        merchant_name=draw(OPTIONAL_TEXT),
        merchant_city=draw(st.none() | ANS.map(lambda s: s[:15])),
    )


@settings(max_examples=400, deadline=None)
@given(qr=vietqrs())
def test_every_payload_we_build_is_read_identically_by_the_independent_parser(qr: VietQR) -> None:
    payload = qr.payload()
    assert VietQRParser.verify_checksum(payload)
    theirs = VietQRParser.parse(payload)
    raw = theirs["raw_tags"]
    assert raw["00"] == "01"
    assert raw["01"] == qr.initiation.value
    assert (theirs["bank_bin"], theirs["account_number"]) == (qr.bank_bin, qr.account)
    assert (theirs["service_code"], theirs["napas_guid"]) == (qr.service.value, "A000000727")
    assert (theirs["currency"], theirs["country_code"]) == ("704", "VN")
    assert theirs["amount"] == (None if qr.amount_vnd is None else float(qr.amount_vnd))
    assert theirs["merchant_name"] == (qr.merchant_name or "")
    assert raw.get("60") == qr.merchant_city
    additional = VietQRParser.parse_raw(raw.get("62", ""))
    assert additional.get("01") == qr.bill_number
    assert additional.get("05") == qr.reference
    assert theirs["memo"] == (qr.purpose or "")
    assert parse(payload) == qr  # and we read back what we wrote


@settings(max_examples=200, deadline=None)
@given(number=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{2,63}", fullmatch=True),
       amount=st.integers(1, 10**12))  # fmt: skip
def test_every_fee_qr_is_dynamic_and_names_its_bill(number: str, amount: int) -> None:
    collecting = CollectingAccount("970415", "113366668888", "UBND xã Cao Phong")
    payload = fee_qr(collecting, amount, bill_number_for(number)).payload()
    theirs = VietQRParser.parse(payload)
    assert VietQRParser.verify_checksum(payload)
    assert theirs["point_of_initiation_method"] == "12"
    assert theirs["amount"] == float(amount)
    assert theirs["merchant_name"] == "UBND xa Cao Phong"
    assert VietQRParser.parse_raw(theirs["raw_tags"]["62"])["01"] == bill_number_for(number)


def test_bill_numbers_are_short_and_tell_apart_numbers_differing_in_punctuation() -> None:
    a, b = bill_number_for("000.26.08920-0001"), bill_number_for("00026.08920-0001")
    assert a != b
    assert a.startswith("00026089200001")
    assert len(a) <= 25
    assert a.isalnum()
    assert len(bill_number_for("H" * 64)) == 25


def test_vietnamese_text_is_written_without_diacritics() -> None:
    assert ascii_text("Lệ phí hồ sơ đăng ký") == "Le phi ho so dang ky"
    assert ascii_text("Ủng hộ lũ lụt\tmiền Trung", limit=13) == "Ung ho lu lut"


# ---------------------------------------------------------------- refusing, field by field
def _replace(old: str, new: str) -> str:
    """The example with one part replaced and its CRC made right again."""
    return with_crc(EXAMPLE[:-8].replace(old, new))


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (EXAMPLE[:-1] + "D", "63", "CRC is C15D but"),
        (EXAMPLE[:-8], "63", "CRC must come last"),
        (_replace("000201", "000202"), "00", "must be '01'"),
        (_replace("010212", "010213"), "01", "11 (static) or 12 (dynamic)"),
        (_replace("5303704", "5303840"), "53", "currency must be '704'"),
        (_replace("5802VN", "5802US"), "58", "country must be 'VN'"),
        (_replace("0010A000000727", "0010A000000999"), "38.00", "NAPAS identifier"),
        (_replace("0208QRIBFTTA", "0208QRIBFTTX"), "38.02", "QRIBFTTA or QRIBFTTC"),
        (_replace("0006970415", "00069704AB"), "38.01.00", "6 digits"),
        (_replace("5406120000", "5406012000"), "54", "whole number of VND"),
        (_replace("5406120000", "5406120.00"), "54", "whole number of VND"),
        (_replace("38570010", "38990010"), "payload", "is not two digits"),
        (_replace("5303704", ""), "53", "currency is missing"),
        ("0002010102123857", "38", "declares 57 characters"),
        ("000201ab0212", "payload", "is not two digits"),
        ("000201lệ", "payload", "not printable ASCII"),
    ],
)
def test_a_wrong_payload_is_refused_naming_the_field(payload: str, field: str, words: str) -> None:
    with pytest.raises(InvalidVietQR) as caught:
        parse(payload)
    assert any(e.field == field and words in e.message for e in caught.value.errors), (
        caught.value.errors
    )


def test_building_refuses_what_a_payload_cannot_hold() -> None:
    with pytest.raises(InvalidVietQR) as caught:
        VietQR(bank_bin="97041", account="12-34", initiation=Initiation.DYNAMIC,
               purpose="Lệ phí", bill_number="x" * 26)  # fmt: skip
    fields = {e.field for e in caught.value.errors}
    assert fields == {"38.01.00", "38.01.01", "54", "62.08", "62.01"}


def test_unknown_fields_are_kept_and_written_back_in_place() -> None:
    with_category = _replace("5303704", "52045999" + "5303704")
    qr = parse(with_category)
    assert qr.extra == (("52", "5999"),)
    assert qr.payload() == with_category


def test_split_tlv_reads_nested_templates() -> None:
    fields, errors = split_tlv("0010A00000072701270006970415011300110019324180208QRIBFTTA")
    assert errors == []
    assert [tag for tag, _ in fields] == ["00", "01", "02"]
