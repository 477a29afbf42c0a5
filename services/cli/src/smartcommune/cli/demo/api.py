"""How the demo talks to the platform: officials who log in through Keycloak, and a thin REST
client that sends their token and turns any problem+json answer into a readable error.

Tokens live five minutes (the realm's setting) and a demo run can take longer, so an official
logs in again shortly before the token expires, exactly as the CLI of a real user would.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Principal,
    TokenVerifier,
)

CLI_CLIENT = "smartcommune-cli"
PLATFORM_ROLES = frozenset(
    {PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER, TECHTEAM_MEMBER, AUDITOR}
)
T = TypeVar("T")
R = TypeVar("R")


class DemoError(RuntimeError):
    """A step of the scenario failed; the message says which call and why."""


#: role in the story → (Keycloak username, demo-only password from infra/keycloak/README.md)
OFFICIALS: dict[str, tuple[str, str]] = {
    "commune": ("commune.officer", "demo-commune-officer"),
    "district": ("district.officer", "demo-district-officer"),
    "province": ("province.admin", "demo-province-admin"),
    "techteam": ("techteam.member", "demo-techteam-member"),
    "auditor": ("auditor", "demo-auditor"),
}


@dataclass
class Official:
    """A demo official signed in with the password grant of the public CLI client."""

    username: str
    password: str
    keycloak_url: str
    realm: str
    principal: Principal | None = None
    _token: str = field(default="", repr=False)
    _expires: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def token_url(self) -> str:
        return f"{self.keycloak_url}/realms/{self.realm}/protocol/openid-connect/token"

    def token(self) -> str:
        with self._lock:
            if time.monotonic() > self._expires - 30:
                self._login()
            return self._token

    def _login(self) -> None:
        data = {"grant_type": "password", "client_id": CLI_CLIENT}
        data |= {"username": self.username, "password": self.password, "scope": "openid"}
        try:
            response = httpx.post(self.token_url, data=data, timeout=15)
        except httpx.HTTPError as exc:
            raise DemoError(f"{self.username}: Keycloak unreachable ({exc})") from exc
        if response.status_code != 200:
            raise DemoError(f"{self.username}: login refused: {response.text[:200]}")
        body = response.json()
        self._token = str(body["access_token"])
        self._expires = time.monotonic() + float(body.get("expires_in", 300))

    @property
    def subject(self) -> str:
        assert self.principal is not None, "sign_in() first"
        return self.principal.subject

    @property
    def admin_unit(self) -> str:
        assert self.principal is not None, "sign_in() first"
        assert self.principal.admin_unit is not None, "officials have an admin_unit"
        return self.principal.admin_unit


def sign_in(keycloak_url: str, realm: str) -> dict[str, Official]:
    """Every demo official logs in; each token is verified as a service verifies it (JWKS)."""
    issuer = f"{keycloak_url}/realms/{realm}"
    verifier = TokenVerifier(issuer=issuer, audience="identity")
    officials: dict[str, Official] = {}
    for role, (username, password) in OFFICIALS.items():
        official = Official(username, password, keycloak_url, realm)
        official.principal = verifier.verify(official.token())
        officials[role] = official
    return officials


class Api:
    """One service's REST API, called as one official."""

    def __init__(self, name: str, base_url: str, official: Official) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.official = official
        self._http = httpx.Client(base_url=self.base_url, timeout=60)
        self._count = [0]  # shared with the `as_` views: the service's total

    @property
    def calls(self) -> int:
        return self._count[0]

    def as_(self, official: Official) -> Api:
        """The same API (same connections), called by another official."""
        other = Api.__new__(Api)
        other.name, other.base_url, other.official = self.name, self.base_url, official
        other._http, other._count = self._http, self._count
        return other

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.official.token()}"}
        if method == "POST":  # writes are retried safely by services that honour the key
            headers.setdefault("Idempotency-Key", f"demo-{uuid.uuid4()}")
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise DemoError(f"{self.name} {method} {path}: {exc}") from exc
        self._count[0] += 1
        if response.status_code >= 400:
            raise DemoError(
                f"{self.name} {method} {path} as {self.official.username}: HTTP "
                f"{response.status_code}: {_problem(response)}"
            )
        return response

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.request("POST", path, json=body, **kwargs)
        return response.json() if response.content else None

    def put(self, path: str, body: Any = None) -> Any:
        response = self.request("PUT", path, json=body)
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None).json()

    def close(self) -> None:
        self._http.close()


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("title") or body
        errors = body.get("errors")
        return f"{detail}" + (f" {errors}" if errors else "")
    return str(body)[:300]


def parallel(fn: Callable[[T], R], items: Iterable[T], workers: int = 4) -> list[R]:
    """`fn` over `items` on a few threads, results in order (the APIs are I/O-bound to us)."""
    todo: Sequence[T] = list(items)
    if len(todo) <= 1:
        return [fn(item) for item in todo]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, todo))
