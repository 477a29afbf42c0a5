"""A cached copy of Keycloak's signing keys (JWKS).

Verification must keep working while Keycloak is down (ARCHITECTURE §7), so keys are fetched
once, kept, and only replaced by a successful refetch — a failed fetch never empties the
cache. A token naming an unknown ``kid`` (Keycloak rotated its keys) triggers a
refetch, but at most one per ``min_refetch_interval``: otherwise anyone could make every
request of ours hit Keycloak by sending made-up key ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from smartcommune.kit.auth.errors import Unauthorized

log = logging.getLogger(__name__)


class JwksCache:
    """Thread-safe ``kid`` → JWK lookup over one JWKS URL."""

    def __init__(
        self,
        url: str,
        *,
        http_client: httpx.Client | None = None,
        min_refetch_interval: float = 30.0,
        max_age: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http_client or httpx.Client(timeout=5.0)
        self._min_interval = min_refetch_interval
        self._max_age = max_age  # refresh now and then, so keys Keycloak retired stop verifying
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, Mapping[str, Any]] = {}
        self._last_attempt: float | None = None
        self._last_success: float | None = None

    def get(self, kid: str) -> Mapping[str, Any]:
        """The JWK for ``kid``, refetching at most once per interval when it is unknown or old."""
        with self._lock:
            now = self._clock()
            stale = self._last_success is None or now - self._last_success >= self._max_age
            if (kid not in self._keys or stale) and self._may_fetch(now):
                self._fetch(now)
            key = self._keys.get(kid)
            empty = not self._keys
        if key is None:
            raise Unauthorized(
                "signing keys are unavailable, try again later"
                if empty
                else "token signed with an unknown key"
            )
        return key

    def _may_fetch(self, now: float) -> bool:
        return self._last_attempt is None or now - self._last_attempt >= self._min_interval

    def _fetch(self, now: float) -> None:
        self._last_attempt = now
        try:
            response = self._http.get(self.url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning(
                "JWKS fetch from %s failed, keeping %d cached keys: %s",
                self.url,
                len(self._keys),
                exc,
            )
            return
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            log.warning("JWKS document from %s has no key list; keeping cached keys", self.url)
            return
        # Keycloak also publishes an encryption key (use "enc"); it must never verify anything.
        signing = [k for k in keys if isinstance(k, dict) and k.get("use", "sig") == "sig"]
        self._keys = {k["kid"]: k for k in signing if isinstance(k.get("kid"), str)}
        self._last_success = now
