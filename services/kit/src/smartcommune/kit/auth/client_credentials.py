"""Service-account tokens (OAuth 2 client credentials) for service-to-service calls.

One token is shared by all threads of a service and renewed *before* it expires, so a call
never leaves with a token that dies in flight, and a brief Keycloak outage costs nothing while
the current token is still valid.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

log = logging.getLogger(__name__)


class TokenSource(Protocol):
    """Anything that can hand out a current access token."""

    def token(self) -> str: ...


class TokenUnavailableError(Exception):
    """The token endpoint could not issue a token; the message never contains the secret."""


@dataclass(frozen=True)
class _Cached:
    token: str
    refresh_at: float
    expires_at: float


class ClientCredentials:
    """A thread-safe, self-renewing client-credentials token.

    Renewal starts when less than ``max(refresh_margin, refresh_fraction × lifetime)`` remains,
    but never earlier than half-way, so very short-lived tokens are not fetched on every call.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        http_client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_margin: float = 30.0,
        refresh_fraction: float = 0.1,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._http = http_client or httpx.Client(timeout=10.0)
        self._clock = clock
        self._margin = refresh_margin
        self._fraction = refresh_fraction
        self._lock = threading.Lock()
        self._cached: _Cached | None = None

    @classmethod
    def for_issuer(
        cls, issuer: str, client_id: str, client_secret: str, **kwargs: Any
    ) -> ClientCredentials:
        """Keycloak's token endpoint is ``{issuer}/protocol/openid-connect/token``."""
        url = f"{issuer.rstrip('/')}/protocol/openid-connect/token"
        return cls(url, client_id, client_secret, **kwargs)

    def __repr__(self) -> str:
        return f"ClientCredentials({self.token_url!r}, {self.client_id!r}, <secret>)"

    def token(self) -> str:
        with self._lock:
            now = self._clock()
            cached = self._cached
            if cached is not None and now < cached.refresh_at:
                return cached.token
            try:
                self._cached = self._fetch(now)
            except TokenUnavailableError as exc:
                if cached is not None and now < cached.expires_at:
                    log.warning(
                        "token renewal for %s failed, using current token: %s", self.client_id, exc
                    )
                    return cached.token
                raise
            return self._cached.token

    def _fetch(self, now: float) -> _Cached:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret,
        }
        try:
            response = self._http.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise TokenUnavailableError(
                f"token endpoint unreachable: {type(exc).__name__}"
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None  # e.g. a proxy's HTML error page
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error", "unknown") if isinstance(body, dict) else "unknown"
            raise TokenUnavailableError(
                f"token endpoint refused client {self.client_id!r}: "
                f"HTTP {response.status_code} {error}"
            )
        access_token, lifetime = body.get("access_token"), body.get("expires_in")
        if not isinstance(access_token, str) or not isinstance(lifetime, int | float):
            raise TokenUnavailableError("token endpoint answered without access_token/expires_in")
        margin = min(max(self._margin, self._fraction * lifetime), lifetime / 2)
        return _Cached(access_token, now + lifetime - margin, now + lifetime)
