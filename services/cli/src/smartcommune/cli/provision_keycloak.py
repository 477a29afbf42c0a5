"""`smartcommune keycloak provision`: the platform's realm on a province's Keycloak, through
python-keycloak's admin API (ARCHITECTURE §7) — the Helm hook Job `<release>-keycloak-provision`.

Two halves, so the decisions are unit-tested without a server:

- `realm_plan(...)` (pure): what the realm must contain — settings, the five realm roles, one
  confidential client per service (service account, audience mappers for every service), the
  `portal` (public, PKCE S256) and optionally `smartcommune-cli` clients, the user profile that
  declares `admin_unit` (admins-only, validated), and one official's account per administrative
  unit of the registry (`data/admin-units/*.json`): `official-<code>` with the role of the unit's
  level (province → `province-admin`, district → `district-officer`, commune/ward →
  `commune-officer`) and, optionally, `techteam-<code>` per village (`techteam-member`).
- `Provisioner(admin).apply(plan)`: reconciles a live realm towards the plan, idempotently —
  creates what is missing, updates what differs, never deletes a realm, client or user. Accounts
  of units that closed (`valid_to` before the as-of date) are disabled, not deleted: their history
  still names them. Client secrets are set from `SMARTCOMMUNE_CLIENT_SECRET_<CLIENT>` when given
  (the province's secret store), otherwise Keycloak keeps or generates its own.

New accounts get no password: `UPDATE_PASSWORD` is required and an administrator sends the
"execute actions" e-mail or sets a temporary password — no credential ever passes through here.
The demo users of `infra/keycloak/realm-smartcommune.json` are never created by this module.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer

from smartcommune.kit.units import AdminUnit, UnitDirectory

REALM = "smartcommune"
SERVICE_CLIENTS: tuple[str, ...] = (
    "dossiers",
    "identity",
    "payments",
    "techteams",
    "scoring",
    "audit",
)
PORTAL_CLIENT = "portal"
CLI_CLIENT = "smartcommune-cli"
REALM_ROLES: dict[str, str] = {
    "province-admin": (
        "Provincial administrator: manages every district and commune of the province"
    ),
    "district-officer": "District officer: oversees the communes of one district",
    "commune-officer": "Commune officer: handles dossiers of one commune",
    "techteam-member": "Member of a community digital tech team (tổ công nghệ số cộng đồng)",
    "auditor": "Auditor: read-only access to the audit trail",
}
#: The role an official of a unit of each level gets.
ROLE_OF_LEVEL: dict[str, str] = {
    "province": "province-admin",
    "district": "district-officer",
    "commune": "commune-officer",
    "ward": "commune-officer",
}
VILLAGE_ROLE = "techteam-member"
ADMIN_UNIT_PATTERN = r"^VN-[0-9]{2}(/[a-z0-9]+(-[a-z0-9]+)*)*$"
PATTERN_MESSAGE = "admin_unit must look like VN-26/song-lo/cao-phong"
#: Realm settings the plan owns (a production realm: HTTPS outside the cluster network, no
#: self-registration, brute-force protection, the token lifespans of the local realm).
REALM_SETTINGS: dict[str, Any] = {
    "enabled": True,
    "displayName": "Smart Commune Platform (Xã thông minh)",
    "sslRequired": "external",
    "registrationAllowed": False,
    "resetPasswordAllowed": True,
    "rememberMe": False,
    "loginWithEmailAllowed": True,
    "duplicateEmailsAllowed": False,
    "editUsernameAllowed": False,
    "bruteForceProtected": True,
    "accessTokenLifespan": 300,
    "ssoSessionIdleTimeout": 1800,
    "ssoSessionMaxLifespan": 36000,
}


# ---------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class Account:
    """One official's account, derived from one administrative unit."""

    username: str
    role: str
    admin_unit: str
    first_name: str
    last_name: str
    enabled: bool

    def representation(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "enabled": self.enabled,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "attributes": {"admin_unit": [self.admin_unit]},
        }


@dataclass(frozen=True)
class RealmPlan:
    realm: str
    settings: dict[str, Any]
    roles: dict[str, str]
    clients: list[dict[str, Any]]
    user_profile: dict[str, Any]
    accounts: list[Account] = field(default_factory=list)


def load_units(files: Iterable[Path]) -> list[AdminUnit]:
    """The units of every registry file (checked by the kit's loader); a code in two files is
    an error, as it would give one username two meanings."""
    units: dict[str, AdminUnit] = {}
    for path in files:
        for unit in UnitDirectory.load(path).all():
            if unit.code in units and units[unit.code] != unit:
                raise ValueError(f"unit {unit.code} differs between registry files ({path})")
            units[unit.code] = unit
    return sorted(units.values(), key=lambda unit: unit.code)


def is_open(unit: AdminUnit, as_of: date) -> bool:
    return unit.valid_from <= as_of and (unit.valid_to is None or as_of <= unit.valid_to)


def official_accounts(
    units: Iterable[AdminUnit], *, as_of: date, include_closed: bool = False,
    village_accounts: bool = False,
) -> list[Account]:  # fmt: skip
    """One account per unit of the registry: enabled while the unit exists on `as_of`.

    A closed unit's account is planned (disabled) only with `include_closed`; without it the
    provisioner still disables such an account if it already exists (see `Provisioner`).
    """
    accounts = []
    for unit in units:
        if unit.type in ROLE_OF_LEVEL:
            username, role, first = f"official-{unit.code}", ROLE_OF_LEVEL[unit.type], "Cán bộ"
        elif unit.type == "village" and village_accounts:
            username, role, first = f"techteam-{unit.code}", VILLAGE_ROLE, "Tổ công nghệ số"
        else:
            continue
        open_now = is_open(unit, as_of)
        if not open_now and not include_closed:
            continue
        accounts.append(Account(username, role, unit.path, first, unit.name, open_now))
    return accounts


def closed_usernames(units: Iterable[AdminUnit], as_of: date) -> list[str]:
    """Usernames of accounts whose unit no longer exists on `as_of` (to disable if present)."""
    names = []
    for unit in units:
        if is_open(unit, as_of):
            continue
        if unit.type in ROLE_OF_LEVEL:
            names.append(f"official-{unit.code}")
        elif unit.type == "village":
            names.append(f"techteam-{unit.code}")
    return names


def _mapper_audience(service: str) -> dict[str, Any]:
    return {
        "name": f"audience-{service}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "consentRequired": False,
        "config": {
            "included.client.audience": service,
            "access.token.claim": "true",
            "id.token.claim": "false",
            "introspection.token.claim": "true",
            "lightweight.claim": "false",
        },
    }


def _mapper_admin_unit() -> dict[str, Any]:
    return {
        "name": "admin_unit",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "consentRequired": False,
        "config": {
            "user.attribute": "admin_unit",
            "claim.name": "admin_unit",
            "jsonType.label": "String",
            "multivalued": "false",
            "aggregate.attrs": "false",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
            "lightweight.claim": "false",
        },
    }


def service_client(service: str) -> dict[str, Any]:
    """A confidential client with a service account (client-credentials only, no browser)."""
    return {
        "clientId": service,
        "name": service,
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "bearerOnly": False,
        "clientAuthenticatorType": "client-secret",
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "frontchannelLogout": False,
        "fullScopeAllowed": True,
        "attributes": {"client_credentials.use_refresh_token": "false"},
        "protocolMappers": [_mapper_audience(s) for s in SERVICE_CLIENTS],
    }


def portal_client(redirect_uris: Sequence[str]) -> dict[str, Any]:
    """The officials' browser portal: public, authorization code with PKCE S256 only."""
    return {
        "clientId": PORTAL_CLIENT,
        "name": "Smart Commune web portal",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": True,
        "bearerOnly": False,
        "standardFlowEnabled": True,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": False,
        "frontchannelLogout": True,
        "fullScopeAllowed": True,
        "redirectUris": list(redirect_uris),
        "webOrigins": ["+"],
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "##".join(redirect_uris),
        },
        "protocolMappers": [_mapper_admin_unit(), *(_mapper_audience(s) for s in SERVICE_CLIENTS)],
    }


def cli_client() -> dict[str, Any]:
    """The `smartcommune` command's public client (password grant): local installations only."""
    return {
        "clientId": CLI_CLIENT,
        "name": "smartcommune CLI",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": True,
        "bearerOnly": False,
        "standardFlowEnabled": False,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": True,
        "serviceAccountsEnabled": False,
        "frontchannelLogout": False,
        "fullScopeAllowed": True,
        "attributes": {},
        "protocolMappers": [_mapper_admin_unit(), *(_mapper_audience(s) for s in SERVICE_CLIENTS)],
    }


def user_profile() -> dict[str, Any]:
    """Keycloak's declarative user profile with `admin_unit` declared (Keycloak 24+ drops
    undeclared attributes): visible to the user, editable by administrators only."""
    both = {"view": ["admin", "user"], "edit": ["admin", "user"]}
    return {
        "attributes": [
            {"name": "username", "displayName": "${username}", "multivalued": False,
             "validations": {"length": {"min": 3, "max": 255}, "username-prohibited-characters": {},
                             "up-username-not-idn-homograph": {}},
             "permissions": both},
            {"name": "email", "displayName": "${email}", "multivalued": False,
             "validations": {"email": {}, "length": {"max": 255}}, "permissions": both},
            {"name": "firstName", "displayName": "${firstName}", "multivalued": False,
             "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}},
             "permissions": both},
            {"name": "lastName", "displayName": "${lastName}", "multivalued": False,
             "validations": {"length": {"max": 255}, "person-name-prohibited-characters": {}},
             "permissions": both},
            {"name": "admin_unit", "displayName": "Administrative unit (đơn vị hành chính)",
             "group": "smartcommune", "multivalued": False,
             "validations": {"length": {"max": 255},
                             "pattern": {"pattern": ADMIN_UNIT_PATTERN,
                                         "error-message": PATTERN_MESSAGE}},
             "permissions": {"view": ["admin", "user"], "edit": ["admin"]}},
        ],
        "groups": [
            {"name": "user-metadata", "displayHeader": "User metadata",
             "displayDescription": "Attributes, which refer to user metadata"},
            {"name": "smartcommune", "displayHeader": "Smart Commune",
             "displayDescription": "Where in the administrative hierarchy the official works; "
                                   "set by administrators only"},
        ],
    }  # fmt: skip


def realm_plan(
    units: Iterable[AdminUnit],
    *,
    realm: str = REALM,
    as_of: date,
    include_closed: bool = False,
    village_accounts: bool = False,
    portal_redirect_uris: Sequence[str] = (),
    with_cli_client: bool = False,
) -> RealmPlan:
    clients = [service_client(s) for s in SERVICE_CLIENTS]
    clients.append(portal_client(portal_redirect_uris))
    if with_cli_client:
        clients.append(cli_client())
    return RealmPlan(
        realm=realm,
        settings=dict(REALM_SETTINGS),
        roles=dict(REALM_ROLES),
        clients=clients,
        user_profile=user_profile(),
        accounts=official_accounts(
            units, as_of=as_of, include_closed=include_closed, village_accounts=village_accounts
        ),
    )


# ---------------------------------------------------------------------------- applying it
class KeycloakAdminApi(Protocol):
    """The part of `keycloak.KeycloakAdmin` the provisioner uses (a fake implements it in tests)."""

    def get_realms(self) -> list[Any]: ...
    def create_realm(self, payload: dict[str, Any], skip_exists: bool = False) -> Any: ...
    def update_realm(self, realm_name: str, payload: dict[str, Any]) -> Any: ...
    def change_current_realm(self, realm_name: str) -> None: ...
    def get_realm_users_profile(self) -> Any: ...
    def update_realm_users_profile(self, payload: dict[str, Any]) -> Any: ...
    def get_realm_roles(self, brief_representation: bool = True, search_text: str = "") -> Any: ...
    def create_realm_role(self, payload: dict[str, Any], skip_exists: bool = False) -> Any: ...
    def update_realm_role(self, role_name: str, payload: dict[str, Any]) -> Any: ...
    def get_realm_role(self, role_name: str) -> Any: ...
    def get_client_id(self, client_id: str) -> str | None: ...
    def get_client(self, client_id: str) -> Any: ...
    def create_client(self, payload: dict[str, Any], skip_exists: bool = False) -> Any: ...
    def update_client(self, client_id: str, payload: dict[str, Any]) -> Any: ...
    def get_mappers_from_client(self, client_id: str) -> Any: ...
    def add_mapper_to_client(self, client_id: str, payload: dict[str, Any]) -> Any: ...
    def get_user_id(self, username: str) -> str | None: ...
    def get_user(self, user_id: str, user_profile_metadata: bool = False) -> Any: ...
    def create_user(self, payload: dict[str, Any], exist_ok: bool = False) -> Any: ...
    def update_user(self, user_id: str, payload: dict[str, Any]) -> Any: ...
    def get_realm_roles_of_user(self, user_id: str) -> Any: ...
    def assign_realm_roles(self, user_id: str, roles: Any) -> Any: ...
    def delete_realm_roles_of_user(self, user_id: str, roles: Any) -> Any: ...


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)

    def note(self, what: str, outcome: str) -> None:
        getattr(self, outcome).append(what)


class Provisioner:
    def __init__(self, admin: KeycloakAdminApi, client_secrets: Mapping[str, str] | None = None):
        self.admin = admin
        self.client_secrets = dict(client_secrets or {})

    def apply(self, plan: RealmPlan, retire: Sequence[str] = ()) -> Report:
        """Reconcile the realm with `plan`; `retire` names accounts to disable if present."""
        report = Report()
        self._realm(plan, report)
        self.admin.change_current_realm(plan.realm)
        self._profile(plan, report)
        self._roles(plan, report)
        for client in plan.clients:
            self._client(client, report)
        for account in plan.accounts:
            self._account(account, report)
        planned = {a.username for a in plan.accounts}
        for username in retire:
            if username not in planned:
                self._retire(username, report)
        return report

    def _realm(self, plan: RealmPlan, report: Report) -> None:
        existing = {r["realm"]: r for r in self.admin.get_realms()}
        if plan.realm not in existing:
            self.admin.create_realm({"realm": plan.realm, **plan.settings})
            report.note(f"realm {plan.realm}", "created")
        elif _differs(plan.settings, existing[plan.realm]):
            self.admin.update_realm(plan.realm, plan.settings)
            report.note(f"realm {plan.realm}", "updated")
        else:
            report.note(f"realm {plan.realm}", "unchanged")

    def _profile(self, plan: RealmPlan, report: Report) -> None:
        current = self.admin.get_realm_users_profile()
        names = {a["name"]: a for a in (current or {}).get("attributes", [])}
        wanted = {a["name"]: a for a in plan.user_profile["attributes"]}
        if all(n in names and not _differs(a, names[n]) for n, a in wanted.items()):
            report.note("user profile", "unchanged")
            return
        # Keep attributes someone else declared; ours replace theirs by name.
        merged = dict(current or {})
        merged["attributes"] = [*wanted.values(), *(a for n, a in names.items() if n not in wanted)]
        groups = {g["name"]: g for g in (current or {}).get("groups", [])}
        groups.update({g["name"]: g for g in plan.user_profile["groups"]})
        merged["groups"] = list(groups.values())
        self.admin.update_realm_users_profile(merged)
        report.note("user profile", "updated")

    def _roles(self, plan: RealmPlan, report: Report) -> None:
        existing = {r["name"]: r for r in self.admin.get_realm_roles(brief_representation=False)}
        for name, description in plan.roles.items():
            if name not in existing:
                self.admin.create_realm_role({"name": name, "description": description})
                report.note(f"role {name}", "created")
            elif existing[name].get("description") != description:
                self.admin.update_realm_role(name, {"name": name, "description": description})
                report.note(f"role {name}", "updated")
            else:
                report.note(f"role {name}", "unchanged")

    def _client(self, client: dict[str, Any], report: Report) -> None:
        client_id = client["clientId"]
        payload = dict(client)
        if secret := self.client_secrets.get(client_id):
            payload["secret"] = secret
        internal = self.admin.get_client_id(client_id)
        what = f"client {client_id}"
        if internal is None:
            self.admin.create_client(payload)
            report.note(what, "created")
            return
        mappers = payload.pop("protocolMappers", [])
        present = {m["name"] for m in self.admin.get_mappers_from_client(internal)}
        missing = [m for m in mappers if m["name"] not in present]
        changed = _differs(payload, self.admin.get_client(internal))
        if changed:
            self.admin.update_client(internal, payload)
        for mapper in missing:
            self.admin.add_mapper_to_client(internal, mapper)
        report.note(what, "updated" if changed or missing else "unchanged")

    def _account(self, account: Account, report: Report) -> None:
        user_id = self.admin.get_user_id(account.username)
        what = f"user {account.username}"
        if user_id is None:
            payload = {**account.representation(), "requiredActions": ["UPDATE_PASSWORD"]}
            user_id = str(self.admin.create_user(payload))
            report.note(what, "created")
        else:
            current = self.admin.get_user(user_id)
            wanted = account.representation()
            if _differs(wanted, current):
                self.admin.update_user(user_id, wanted)
                report.note(what, "updated")
            else:
                report.note(what, "unchanged")
        self._role_of(user_id, account.role)

    def _role_of(self, user_id: str, role: str) -> None:
        """Exactly the one platform role of the unit's level (other roles are left alone)."""
        held = {r["name"]: r for r in self.admin.get_realm_roles_of_user(user_id)}
        stale = [r for name, r in held.items() if name in REALM_ROLES and name != role]
        if stale:
            self.admin.delete_realm_roles_of_user(user_id, stale)
        if role not in held:
            self.admin.assign_realm_roles(user_id, [self.admin.get_realm_role(role)])

    def _retire(self, username: str, report: Report) -> None:
        user_id = self.admin.get_user_id(username)
        if user_id is None:
            return
        current = self.admin.get_user(user_id)
        if current.get("enabled", True):
            self.admin.update_user(user_id, {"enabled": False})
            report.note(f"user {username}", "disabled")


def _differs(wanted: Any, current: Any) -> bool:
    """Whether `current` lacks anything of `wanted` (extra keys in `current` are Keycloak's)."""
    if isinstance(wanted, Mapping):
        if not isinstance(current, Mapping):
            return True
        return any(k not in current or _differs(v, current[k]) for k, v in wanted.items())
    if isinstance(wanted, list):
        if not isinstance(current, list) or len(wanted) != len(current):
            return True
        return any(_differs(w, c) for w, c in zip(wanted, current, strict=True))
    return bool(wanted != current)


def client_secrets_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """`SMARTCOMMUNE_CLIENT_SECRET_<CLIENT>` → {client: secret}, for the service clients."""
    found = {}
    for client in SERVICE_CLIENTS:
        value = env.get("SMARTCOMMUNE_CLIENT_SECRET_" + client.upper().replace("-", "_"))
        if value:
            found[client] = value
    return found


def connect(url: str, username: str, password: str, admin_realm: str, realm: str) -> Any:
    """A `KeycloakAdmin` logged in as an administrator of `admin_realm`, acting on `realm`."""
    from keycloak import KeycloakAdmin, KeycloakOpenIDConnection

    connection = KeycloakOpenIDConnection(
        server_url=url.rstrip("/"),
        username=username,
        password=password,
        realm_name=realm,
        user_realm_name=admin_realm,
        client_id="admin-cli",
        timeout=30,
    )
    return KeycloakAdmin(connection=connection)


# ---------------------------------------------------------------------------- command
app = typer.Typer(help="Keycloak: the platform's realm, clients, roles and officials.")


def _default_units_dir() -> Path:
    from .stack.config import repo_root

    return repo_root() / "data" / "admin-units"


@app.command()
def provision(
    admin_password: Annotated[str, typer.Option(
        envvar="SMARTCOMMUNE_KEYCLOAK_ADMIN_PASSWORD", help="Pass it through the variable.")],
    url: Annotated[str, typer.Option(envvar="SMARTCOMMUNE_KEYCLOAK_URL")] = "http://127.0.0.1:18080",
    realm: Annotated[str, typer.Option(envvar="SMARTCOMMUNE_KEYCLOAK_REALM")] = REALM,
    admin_username: Annotated[str, typer.Option(
        envvar="SMARTCOMMUNE_KEYCLOAK_ADMIN_USERNAME")] = "admin",
    admin_realm: Annotated[str, typer.Option(help="Realm of the administrator.")] = "master",
    units_dir: Annotated[Path | None, typer.Option(help="Folder of the registry files.")] = None,
    units_file: Annotated[list[str] | None, typer.Option(
        help="Registry file in --units-dir (repeatable).")] = None,
    as_of: Annotated[str | None, typer.Option(
        help="ISO date deciding which units exist (default: today).")] = None,
    include_closed_units: Annotated[bool, typer.Option(
        help="Create disabled accounts for closed units.")] = False,
    village_accounts: Annotated[bool, typer.Option(
        help="One tech-team account per village.")] = False,
    portal_redirect_uri: Annotated[list[str] | None, typer.Option(
        help="Redirect URI of the portal (repeatable).")] = None,
    cli_client: Annotated[bool, typer.Option(
        help="Also the public password-grant CLI client.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Print the plan as JSON; change nothing.")] = False,
) -> None:  # fmt: skip
    """Create or update the realm, roles, clients and officials' accounts (idempotent)."""
    folder = units_dir or _default_units_dir()
    files = [folder / name for name in (units_file or ["demo.json"])]
    day = date.fromisoformat(as_of) if as_of else date.today()
    units = load_units(files)
    plan = realm_plan(
        units, realm=realm, as_of=day, include_closed=include_closed_units,
        village_accounts=village_accounts, portal_redirect_uris=portal_redirect_uri or [],
        with_cli_client=cli_client,
    )  # fmt: skip
    if dry_run:
        typer.echo(json.dumps(_plan_summary(plan), indent=2, ensure_ascii=False))
        return
    admin = connect(url, admin_username, admin_password, admin_realm, realm)
    report = Provisioner(admin, client_secrets_from_env(os.environ)).apply(
        plan, retire=closed_usernames(units, day)
    )
    for outcome in ("created", "updated", "disabled"):
        for what in getattr(report, outcome):
            typer.echo(f"{outcome:>9} {what}")
    typer.echo(
        f"realm {realm}: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.disabled)} disabled, {len(report.unchanged)} unchanged"
    )


def _plan_summary(plan: RealmPlan) -> dict[str, Any]:
    return {
        "realm": plan.realm,
        "roles": sorted(plan.roles),
        "clients": [c["clientId"] for c in plan.clients],
        "accounts": [
            {
                "username": a.username,
                "role": a.role,
                "admin_unit": a.admin_unit,
                "enabled": a.enabled,
            }
            for a in plan.accounts
        ],
    }
