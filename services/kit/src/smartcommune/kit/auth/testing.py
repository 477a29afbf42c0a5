"""A stand-in for Keycloak's token signing, for unit tests of any service.

It holds real keys, serves their JWKS over HTTP on 127.0.0.1 (so the verifier's fetching,
caching and rotation run for real) and mints tokens shaped like Keycloak's. Nothing starts
until :meth:`LocalIssuer.start` (or ``with LocalIssuer() as issuer:``).
"""

from __future__ import annotations

import functools
import json
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from smartcommune.kit.auth.verifier import TokenVerifier

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class LocalIssuer:
    def __init__(self, realm: str = "smartcommune") -> None:
        self.realm = realm
        self.private_keys: dict[str, tuple[str, PrivateKey]] = {}  # kid → (alg, key)
        self.published: list[str] = []  # kids in the served JWKS
        self.current_kid = self.add_key()
        self.jwks_requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._port: int | None = None  # kept after stop(), so the issuer URL never changes

    # ---------------------------------------------------------------- keys
    def add_key(self, alg: str = "RS256", *, publish: bool = True) -> str:
        """Create a key (``RS256`` or ``ES256``); published keys appear in the JWKS."""
        key: PrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if alg == "RS256"
            else ec.generate_private_key(ec.SECP256R1())
        )
        kid = uuid.uuid4().hex
        self.private_keys[kid] = (alg, key)
        if publish:
            self.published.append(kid)
        return kid

    def rotate(self, alg: str = "RS256") -> str:
        """Keycloak-style rotation: a new active key; the old one stays published."""
        self.current_kid = self.add_key(alg)
        return self.current_kid

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            alg, key = self.private_keys[kid]
            if isinstance(key, rsa.RSAPrivateKey):
                jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            else:
                jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
        return {"keys": keys}

    # ---------------------------------------------------------------- tokens
    def mint(
        self,
        username: str = "commune.officer",
        roles: Iterable[str] = ("commune-officer",),
        admin_unit: str | None = "VN-26/song-lo/cao-phong",
        audience: str | Iterable[str] = ("dossiers", "identity"),
        *,
        azp: str = "smartcommune-cli",
        lifetime: float = 300,
        kid: str | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """A Keycloak-shaped access token; ``claims`` overrides, a ``None`` value removes."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
            "aud": [audience] if isinstance(audience, str) else list(audience),
            "azp": azp,
            "typ": "Bearer",
            "iat": now,
            "exp": int(now + lifetime),
            "preferred_username": username,
            "realm_access": {"roles": [*roles, "default-roles-smartcommune"]},
            "admin_unit": admin_unit,
        }
        for name, value in (claims or {}).items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        if body.get("admin_unit") is None:
            body.pop("admin_unit", None)
        kid = kid or self.current_kid
        alg, key = self.private_keys[kid]
        return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})

    def service_token(self, client_id: str, audience: str | Iterable[str] = "identity") -> str:
        """A service-account token, as Keycloak issues for the client-credentials grant."""
        return self.mint(
            f"service-account-{client_id}", (), None, audience,
            azp=client_id, claims={"client_id": client_id},
        )  # fmt: skip

    # ---------------------------------------------------------------- server
    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("LocalIssuer.start() first: the issuer URL names its port")
        return f"http://127.0.0.1:{self._port}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.realm}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    def verifier(self, audience: str = "dossiers", **kwargs: Any) -> TokenVerifier:
        return TokenVerifier(self.issuer, audience, **kwargs)

    def start(self) -> LocalIssuer:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.jwks_requests += 1
                found = self.path == issuer.jwks_url.removeprefix(issuer.base_url)
                body = json.dumps(issuer.jwks() if found else {"error": "not found"}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port or 0), Handler)
        self._port = self._server.server_address[1]
        # A short poll interval keeps stop() (which waits for the loop) fast in tests.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.05)
        threading.Thread(target=serve, daemon=True).start()
        return self

    def stop(self) -> None:
        """Take the JWKS endpoint down (Keycloak outage); the issuer URL stays the same."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
