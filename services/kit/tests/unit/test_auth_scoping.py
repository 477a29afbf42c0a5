"""Unit scoping and rules: who may act on which admin unit."""

import pytest

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Forbidden,
    Principal,
    Rule,
    authorize,
    unit_in_subtree,
)

CAO_PHONG = "VN-26/song-lo/cao-phong"
LANG_CONG = "VN-26/song-lo/lang-cong"
THON_1 = "VN-26/song-lo/cao-phong/thon-1"

RECORD_FACT = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, TECHTEAM_MEMBER}, write=True)
READ_UNIT = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR})
READ_CRITERIA = Rule(roles={COMMUNE_OFFICER, AUDITOR}, scope="any")
SIGN = Rule(roles={DISTRICT_OFFICER}, write=True, services={"scoring"})


def person(role: str, unit: str | None) -> Principal:
    return Principal("sub-1", "someone", frozenset({role}), unit, "smartcommune-cli", False, "t")


def service(client_id: str) -> Principal:
    name = f"service-account-{client_id}"
    return Principal("sub-s", name, frozenset(), None, client_id, True, "t")


@pytest.mark.parametrize(
    ("own", "target", "inside"),
    [
        ("VN-26/song-lo", "VN-26/song-lo/cao-phong/thon-1", True),
        ("VN-26/song-lo", "VN-26/song-lo", True),
        ("VN-26/song-lo/", "/VN-26/song-lo/cao-phong", True),
        ("VN-26/song-lo", "VN-26/song-lo-2", False),
        ("VN-26/song-lo", "VN-26/song-lo-2/x", False),
        ("VN-26/song-lo/cao-phong", "VN-26/song-lo", False),
        ("VN-26/sông-lô", "VN-26/so\u0302ng-lo\u0302/cao-phong", True),  # NFC vs NFD
        ("VN-26//song-lo", "VN-26//song-lo", False),  # malformed paths never match
    ],
)
def test_unit_in_subtree_compares_whole_segments(own: str, target: str, inside: bool) -> None:
    assert unit_in_subtree(own, target) is inside


def test_commune_officer_may_write_in_own_commune() -> None:
    authorize(person(COMMUNE_OFFICER, CAO_PHONG), RECORD_FACT, THON_1)


def test_neighbouring_commune_is_refused() -> None:
    with pytest.raises(Forbidden, match="outside your unit"):
        authorize(person(COMMUNE_OFFICER, LANG_CONG), RECORD_FACT, CAO_PHONG)


def test_parent_district_may_read_its_communes() -> None:
    authorize(person(DISTRICT_OFFICER, "VN-26/song-lo"), READ_UNIT, CAO_PHONG)


def test_commune_officer_may_not_read_its_district() -> None:
    with pytest.raises(Forbidden):
        authorize(person(COMMUNE_OFFICER, CAO_PHONG), READ_UNIT, "VN-26/song-lo")


def test_auditor_reads_but_never_writes() -> None:
    auditor = person(AUDITOR, "VN-26")
    authorize(auditor, READ_UNIT, THON_1)
    with pytest.raises(Forbidden, match="requires one of the roles"):
        authorize(auditor, RECORD_FACT, THON_1)


def test_a_write_rule_cannot_name_the_auditor_role() -> None:
    with pytest.raises(ValueError, match="read-only"):
        Rule(roles={AUDITOR}, write=True)


def test_techteam_member_is_limited_to_its_village() -> None:
    member = person(TECHTEAM_MEMBER, THON_1)
    authorize(member, RECORD_FACT, f"{THON_1}/household-7")
    for elsewhere in (CAO_PHONG, "VN-26/song-lo/cao-phong/thon-2"):
        with pytest.raises(Forbidden):
            authorize(member, RECORD_FACT, elsewhere)


def test_role_not_named_by_the_rule_is_refused() -> None:
    with pytest.raises(Forbidden, match="district-officer"):
        authorize(person(COMMUNE_OFFICER, CAO_PHONG), SIGN, CAO_PHONG)


def test_scope_any_ignores_the_unit() -> None:
    authorize(person(COMMUNE_OFFICER, CAO_PHONG), READ_CRITERIA, None)


def test_subtree_rule_without_a_target_unit_is_refused() -> None:
    with pytest.raises(Forbidden, match="names no admin unit"):
        authorize(person(DISTRICT_OFFICER, "VN-26/song-lo"), READ_UNIT, None)


def test_person_without_admin_unit_is_refused() -> None:
    with pytest.raises(Forbidden, match="no admin_unit"):
        authorize(person(PROVINCE_ADMIN, None), READ_UNIT, CAO_PHONG)


def test_service_account_is_allowed_only_where_a_rule_names_it() -> None:
    authorize(service("scoring"), SIGN, CAO_PHONG)
    with pytest.raises(Forbidden, match="service 'payments'"):
        authorize(service("payments"), SIGN, CAO_PHONG)
    with pytest.raises(Forbidden):
        authorize(service("scoring"), READ_UNIT, CAO_PHONG)
