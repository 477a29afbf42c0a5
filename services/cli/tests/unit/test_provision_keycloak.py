"""Keycloak provisioning: the plan drawn from the admin-unit registry, and its reconciliation
against a fake admin API (the real Keycloak is in tests/integration/test_provision_keycloak.py)."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartcommune.cli import provision_keycloak as pk
from smartcommune.cli.stack.config import repo_root
from smartcommune.kit.units import AdminUnit

DEMO = repo_root() / "data" / "admin-units" / "demo.json"
BEFORE_REFORM = date(2024, 1, 1)  # the demo units closed on 2025-06-30
REALM_FILE = repo_root() / "infra" / "keycloak" / "realm-smartcommune.json"


def _unit(code: str, kind: str, path: str, valid_to: date | None = None) -> AdminUnit:
    parent = None if kind == "province" else "x"
    return AdminUnit(
        code=code, name=f"Unit {code}", slug=path.rsplit("/", 1)[-1].lower(), type=kind,
        parent=parent, path=path, valid_from=date(2000, 1, 1), valid_to=valid_to,
    )  # fmt: skip


# ---------------------------------------------------------------------------- the plan
def test_every_unit_above_village_level_gets_one_official_with_its_levels_role() -> None:
    units = pk.load_units([DEMO])
    accounts = {a.username: a for a in pk.official_accounts(units, as_of=BEFORE_REFORM)}
    assert accounts["official-26"].role == "province-admin"
    assert accounts["official-26"].admin_unit == "VN-26"
    assert accounts["official-253"].role == "district-officer"
    assert accounts["official-08920"].role == "commune-officer"
    assert accounts["official-08920"].admin_unit == "VN-26/song-lo/cao-phong"
    assert accounts["official-08920"].last_name == "Xã Cao Phong"
    assert not any(name.startswith("techteam-") for name in accounts)
    levels = {u.code for u in units if u.type != "village"}
    assert {a.username for a in accounts.values()} == {f"official-{c}" for c in levels}


def test_village_accounts_are_tech_team_members_of_their_village() -> None:
    units = pk.load_units([DEMO])
    accounts = pk.official_accounts(units, as_of=BEFORE_REFORM, village_accounts=True)
    village = next(a for a in accounts if a.username == "techteam-0892001")
    assert (village.role, village.admin_unit) == (
        "techteam-member",
        "VN-26/song-lo/cao-phong/thon-1",
    )


def test_closed_units_get_no_account_unless_asked_and_then_a_disabled_one() -> None:
    units = [
        _unit("26", "province", "VN-26"),
        _unit("08920", "commune", "VN-26/a", date(2025, 6, 30)),
    ]
    today = date(2026, 1, 1)
    assert [a.username for a in pk.official_accounts(units, as_of=today)] == ["official-26"]
    with_closed = pk.official_accounts(units, as_of=today, include_closed=True)
    assert sorted((a.username, a.enabled) for a in with_closed) == [
        ("official-08920", False),
        ("official-26", True),
    ]
    assert pk.closed_usernames(units, today) == ["official-08920"]


def test_every_admin_unit_path_satisfies_the_user_profiles_pattern() -> None:
    import re

    for account in pk.official_accounts(
        pk.load_units([DEMO]), as_of=BEFORE_REFORM, village_accounts=True
    ):
        assert re.match(pk.ADMIN_UNIT_PATTERN, account.admin_unit), account.admin_unit


def test_a_code_with_two_meanings_across_registry_files_is_refused(tmp_path: Path) -> None:
    data = json.loads(DEMO.read_text())
    data["units"][0]["name"] = "Tỉnh khác"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(ValueError, match="differs between registry files"):
        pk.load_units([DEMO, other])


def test_the_plan_agrees_with_the_committed_local_realm() -> None:
    """Roles, service clients, mappers and the admin_unit attribute stay in step with
    infra/keycloak/realm-smartcommune.json, which the local stack and the tests import."""
    realm = json.loads(REALM_FILE.read_text())
    plan = pk.realm_plan([], as_of=BEFORE_REFORM, with_cli_client=True)
    assert plan.roles == {r["name"]: r["description"] for r in realm["roles"]["realm"]}
    committed = {c["clientId"]: c for c in realm["clients"]}
    for client in plan.clients:
        theirs = committed[client["clientId"]]
        for key in ("publicClient", "serviceAccountsEnabled", "standardFlowEnabled",
                    "directAccessGrantsEnabled", "implicitFlowEnabled"):  # fmt: skip
            assert client[key] == theirs[key], (client["clientId"], key)
        assert client["protocolMappers"] == theirs["protocolMappers"], client["clientId"]
    profile = json.loads(realm["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
                         ["config"]["kc.user.profile.config"][0])  # fmt: skip
    committed_unit = next(a for a in profile["attributes"] if a["name"] == "admin_unit")
    planned_unit = next(a for a in plan.user_profile["attributes"] if a["name"] == "admin_unit")
    assert planned_unit["validations"] == committed_unit["validations"]
    assert planned_unit["permissions"] == committed_unit["permissions"]


def test_the_portal_redirects_only_where_the_province_says_and_the_cli_client_is_opt_in() -> None:
    plan = pk.realm_plan([], as_of=BEFORE_REFORM, portal_redirect_uris=["https://sc.example.vn/*"])
    portal = next(c for c in plan.clients if c["clientId"] == "portal")
    assert portal["redirectUris"] == ["https://sc.example.vn/*"]
    assert portal["attributes"]["pkce.code.challenge.method"] == "S256"
    assert "smartcommune-cli" not in [c["clientId"] for c in plan.clients]


def test_client_secrets_come_from_the_environment_for_service_clients_only() -> None:
    env = {"SMARTCOMMUNE_CLIENT_SECRET_SCORING": "s3", "SMARTCOMMUNE_CLIENT_SECRET_PORTAL": "no"}
    assert pk.client_secrets_from_env(env) == {"scoring": "s3"}


# ---------------------------------------------------------------------------- applying it
class FakeKeycloak:
    """An in-memory admin API: realms, one current realm's roles, clients, users, profile."""

    def __init__(self) -> None:
        self.realms: dict[str, dict[str, Any]] = {}
        self.current = "master"
        self.calls: list[str] = []

    def _r(self) -> dict[str, Any]:
        return self.realms[self.current]

    def get_realms(self) -> list[Any]:
        return [dict(r["settings"], realm=name) for name, r in self.realms.items()]

    def create_realm(self, payload: dict[str, Any], skip_exists: bool = False) -> Any:
        self.calls.append("create_realm")
        settings = {k: v for k, v in payload.items() if k != "realm"}
        self.realms[payload["realm"]] = {
            "settings": settings, "roles": {}, "clients": {}, "users": {},
            "profile": {"attributes": [{"name": "username"}], "groups": []},
        }  # fmt: skip

    def update_realm(self, realm_name: str, payload: dict[str, Any]) -> Any:
        self.calls.append("update_realm")
        self.realms[realm_name]["settings"].update(payload)

    def change_current_realm(self, realm_name: str) -> None:
        self.current = realm_name

    def get_realm_users_profile(self) -> Any:
        return copy.deepcopy(self._r()["profile"])

    def update_realm_users_profile(self, payload: dict[str, Any]) -> Any:
        self.calls.append("update_profile")
        self._r()["profile"] = copy.deepcopy(payload)

    def get_realm_roles(self, brief_representation: bool = True, search_text: str = "") -> Any:
        return [dict(r) for r in self._r()["roles"].values()]

    def create_realm_role(self, payload: dict[str, Any], skip_exists: bool = False) -> Any:
        self.calls.append(f"create_role {payload['name']}")
        self._r()["roles"][payload["name"]] = dict(payload)

    def update_realm_role(self, role_name: str, payload: dict[str, Any]) -> Any:
        self.calls.append(f"update_role {role_name}")
        self._r()["roles"][role_name] = dict(payload)

    def get_realm_role(self, role_name: str) -> Any:
        return dict(self._r()["roles"][role_name])

    def get_client_id(self, client_id: str) -> str | None:
        return next(
            (k for k, c in self._r()["clients"].items() if c["clientId"] == client_id), None
        )

    def get_client(self, client_id: str) -> Any:
        return copy.deepcopy(self._r()["clients"][client_id])

    def create_client(self, payload: dict[str, Any], skip_exists: bool = False) -> Any:
        self.calls.append(f"create_client {payload['clientId']}")
        internal = str(uuid.uuid4())
        self._r()["clients"][internal] = copy.deepcopy(payload)
        return internal

    def update_client(self, client_id: str, payload: dict[str, Any]) -> Any:
        self.calls.append(f"update_client {payload['clientId']}")
        self._r()["clients"][client_id].update(copy.deepcopy(payload))

    def get_mappers_from_client(self, client_id: str) -> Any:
        return list(self._r()["clients"][client_id].get("protocolMappers", []))

    def add_mapper_to_client(self, client_id: str, payload: dict[str, Any]) -> Any:
        self.calls.append(f"add_mapper {payload['name']}")
        self._r()["clients"][client_id].setdefault("protocolMappers", []).append(payload)

    def get_user_id(self, username: str) -> str | None:
        return next((k for k, u in self._r()["users"].items() if u["username"] == username), None)

    def get_user(self, user_id: str, user_profile_metadata: bool = False) -> Any:
        return copy.deepcopy({k: v for k, v in self._r()["users"][user_id].items() if k != "roles"})

    def create_user(self, payload: dict[str, Any], exist_ok: bool = False) -> Any:
        self.calls.append(f"create_user {payload['username']}")
        user_id = str(uuid.uuid4())
        self._r()["users"][user_id] = {**copy.deepcopy(payload), "id": user_id, "roles": set()}
        return user_id

    def update_user(self, user_id: str, payload: dict[str, Any]) -> Any:
        self.calls.append(f"update_user {self._r()['users'][user_id]['username']}")
        self._r()["users"][user_id].update(copy.deepcopy(payload))

    def get_realm_roles_of_user(self, user_id: str) -> Any:
        return [{"name": n} for n in sorted(self._r()["users"][user_id]["roles"])]

    def assign_realm_roles(self, user_id: str, roles: Any) -> Any:
        self._r()["users"][user_id]["roles"].update(r["name"] for r in roles)

    def delete_realm_roles_of_user(self, user_id: str, roles: Any) -> Any:
        self._r()["users"][user_id]["roles"].difference_update(r["name"] for r in roles)

    def user(self, username: str) -> dict[str, Any]:
        return self._r()["users"][self.get_user_id(username) or ""]  # type: ignore[no-any-return]


def _plan(**options: Any) -> pk.RealmPlan:
    return pk.realm_plan(pk.load_units([DEMO]), as_of=BEFORE_REFORM, **options)


def test_a_fresh_keycloak_gets_the_realm_roles_clients_profile_and_officials() -> None:
    fake = FakeKeycloak()
    report = pk.Provisioner(fake).apply(_plan())
    realm = fake.realms["smartcommune"]
    assert set(realm["roles"]) == set(pk.REALM_ROLES)
    assert {c["clientId"] for c in realm["clients"].values()} == {*pk.SERVICE_CLIENTS, "portal"}
    assert "admin_unit" in {a["name"] for a in realm["profile"]["attributes"]}
    assert "username" in {a["name"] for a in realm["profile"]["attributes"]}  # theirs kept
    officer = fake.user("official-08920")
    assert officer["attributes"] == {"admin_unit": ["VN-26/song-lo/cao-phong"]}
    assert officer["roles"] == {"commune-officer"}
    assert officer["requiredActions"] == ["UPDATE_PASSWORD"]
    assert "credentials" not in officer
    assert "user official-08920" in report.created


def test_a_second_run_changes_nothing() -> None:
    fake = FakeKeycloak()
    pk.Provisioner(fake).apply(_plan())
    fake.calls.clear()
    report = pk.Provisioner(fake).apply(_plan())
    assert fake.calls == []
    assert report.created == report.updated == report.disabled == []


def test_a_moved_official_is_updated_and_keeps_exactly_the_role_of_the_new_level() -> None:
    fake = FakeKeycloak()
    pk.Provisioner(fake).apply(_plan())
    user = fake.user("official-08920")
    user["attributes"] = {"admin_unit": ["VN-26/song-lo/lang-cong"]}
    user["roles"] = {"district-officer", "offline_access"}
    report = pk.Provisioner(fake).apply(_plan())
    assert user["attributes"] == {"admin_unit": ["VN-26/song-lo/cao-phong"]}
    assert user["roles"] == {"commune-officer", "offline_access"}
    assert "user official-08920" in report.updated


def test_accounts_of_units_that_closed_are_disabled_not_deleted() -> None:
    fake = FakeKeycloak()
    pk.Provisioner(fake).apply(_plan())
    units = pk.load_units([DEMO])
    after = date(2026, 1, 1)
    plan = pk.realm_plan(units, as_of=after)
    report = pk.Provisioner(fake).apply(plan, retire=pk.closed_usernames(units, after))
    assert fake.user("official-08920")["enabled"] is False
    assert "user official-08920" in report.disabled


def test_client_secrets_given_by_the_province_are_set_on_the_clients() -> None:
    fake = FakeKeycloak()
    pk.Provisioner(fake, {"scoring": "from-the-secret-store"}).apply(_plan())
    internal = fake.get_client_id("scoring")
    assert internal is not None
    assert fake.get_client(internal)["secret"] == "from-the-secret-store"


def test_a_missing_audience_mapper_is_added_back() -> None:
    fake = FakeKeycloak()
    pk.Provisioner(fake).apply(_plan())
    internal = fake.get_client_id("dossiers")
    assert internal is not None
    client = fake._r()["clients"][internal]
    client["protocolMappers"] = [
        m for m in client["protocolMappers"] if m["name"] != "audience-audit"
    ]
    pk.Provisioner(fake).apply(_plan())
    assert "audience-audit" in {m["name"] for m in client["protocolMappers"]}
