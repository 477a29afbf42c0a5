"""Local verification of Keycloak access tokens.

Every service verifies tokens itself against cached public keys instead of asking Keycloak
about each request: it is faster, and reads keep working while Keycloak is down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from smartcommune.kit.auth.errors import Unauthorized
from smartcommune.kit.auth.jwks import JwksCache
from smartcommune.kit.auth.principal import Principal

# Asymmetric algorithms only: `none` is no signature at all, and HS* would let anyone holding
# the (public!) JWKS forge tokens if a key were ever used as an HMAC secret.
ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256"})

# Most specific first: several PyJWT errors subclass others.
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token has expired"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.InvalidAudienceError, "token is not intended for this service"),
    (jwt.InvalidIssuerError, "token was issued by an unexpected issuer"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
    (jwt.DecodeError, "token is malformed"),
)


class TokenVerifier:
    """Verify a bearer token for one service (``audience`` is the service's client id)."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        *,
        leeway: float = 10.0,
        http_client: httpx.Client | None = None,
        min_refetch_interval: float = 30.0,
        jwks_max_age: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.leeway = leeway
        # In a cluster the issuer is the public URL while keys are best fetched in-cluster,
        # hence a separate, optional JWKS URL.
        self.jwks = JwksCache(
            jwks_url or f"{self.issuer}/protocol/openid-connect/certs",
            http_client=http_client,
            min_refetch_interval=min_refetch_interval,
            max_age=jwks_max_age,
            clock=clock,
        )

    def verify(self, token: str) -> Principal:
        """Return the caller, or raise :class:`Unauthorized` with a reason safe to show."""
        return Principal.from_claims(self.claims(token), token)

    def claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("token is malformed") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALLOWED_ALGORITHMS:
            raise Unauthorized("token algorithm is not accepted")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("token has no key id")
        jwk = self.jwks.get(kid)
        if jwk.get("alg", alg) != alg:
            raise Unauthorized("token algorithm does not match its key")
        try:
            key = jwt.PyJWK(dict(jwk), algorithm=alg)
        except jwt.PyJWTError:
            raise Unauthorized("token algorithm does not match its key") from None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(f"token lacks the '{exc.claim}' claim") from None
        except jwt.PyJWTError as exc:
            reason = next((r for t, r in _REASONS if isinstance(exc, t)), "token is invalid")
            raise Unauthorized(reason) from None
        # Keycloak ID tokens are signed by the same keys and may carry our client id as `aud`;
        # only access tokens (typ "Bearer") may be used as bearer credentials.
        if claims.get("typ", "Bearer") != "Bearer":
            raise Unauthorized("token is not an access token")
        return claims
