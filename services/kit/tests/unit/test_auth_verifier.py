"""TokenVerifier against a JWKS served on 127.0.0.1: caching, key rotation, Keycloak outages."""

from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from smartcommune.kit.auth import Unauthorized
from smartcommune.kit.auth.jwks import JwksCache
from smartcommune.kit.auth.testing import LocalIssuer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_valid_token_gives_the_principal(issuer: LocalIssuer) -> None:
    principal = issuer.verifier("dossiers").verify(issuer.mint("district.officer"))
    assert principal.username == "district.officer"
    assert principal.roles >= {"commune-officer"}


def test_es256_tokens_are_accepted(issuer: LocalIssuer) -> None:
    kid = issuer.rotate("ES256")
    assert issuer.verifier().verify(issuer.mint(kid=kid)).username == "commune.officer"


def test_keys_are_fetched_once_and_cached(issuer: LocalIssuer) -> None:
    verifier = issuer.verifier()
    for _ in range(5):
        verifier.verify(issuer.mint())
    assert issuer.jwks_requests == 1


def test_rotated_key_is_accepted_after_one_refetch(issuer: LocalIssuer, clock: FakeClock) -> None:
    verifier = issuer.verifier(clock=clock)
    verifier.verify(issuer.mint())
    new_kid = issuer.rotate()
    clock.now += 31
    assert verifier.verify(issuer.mint(kid=new_kid)).username == "commune.officer"
    assert issuer.jwks_requests == 2
    verifier.verify(issuer.mint())  # the old key is still published and still cached
    assert issuer.jwks_requests == 2


def test_unknown_kids_refetch_at_most_once_per_interval(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    verifier = issuer.verifier(clock=clock)
    verifier.verify(issuer.mint())
    clock.now += 31
    stranger = issuer.add_key(publish=False)
    for _ in range(3):
        with pytest.raises(Unauthorized, match="unknown key"):
            verifier.verify(issuer.mint(kid=stranger))
    assert issuer.jwks_requests == 2  # one refetch, not three
    clock.now += 5
    issuer.published.append(stranger)
    with pytest.raises(Unauthorized, match="unknown key"):  # still rate-limited
        verifier.verify(issuer.mint(kid=stranger))
    clock.now += 30
    verifier.verify(issuer.mint(kid=stranger))
    assert issuer.jwks_requests == 3


def test_keycloak_down_cached_keys_still_verify(issuer: LocalIssuer, clock: FakeClock) -> None:
    verifier = issuer.verifier(clock=clock)
    verifier.verify(issuer.mint())
    issuer.stop()
    clock.now += 3600  # past the refresh age: a refetch is tried, fails, and the cache stays
    assert verifier.verify(issuer.mint()).username == "commune.officer"
    unknown = issuer.rotate()
    clock.now += 60
    with pytest.raises(Unauthorized, match="unknown key"):
        verifier.verify(issuer.mint(kid=unknown))


def test_keycloak_down_from_the_start_refuses_with_a_clear_reason(issuer: LocalIssuer) -> None:
    issuer.stop()
    with pytest.raises(Unauthorized, match="signing keys are unavailable"):
        issuer.verifier().verify(issuer.mint())


def test_keycloak_back_after_outage_serves_new_keys(issuer: LocalIssuer, clock: FakeClock) -> None:
    verifier = issuer.verifier(clock=clock)
    issuer.stop()
    with pytest.raises(Unauthorized):
        verifier.verify(issuer.mint())
    issuer.start()
    clock.now += 31
    assert verifier.verify(issuer.mint()).username == "commune.officer"


def test_token_whose_alg_differs_from_its_key_is_refused(issuer: LocalIssuer) -> None:
    ec_kid = issuer.add_key("ES256")
    claims = jwt.decode(issuer.mint(), options={"verify_signature": False})
    _, rsa_key = issuer.private_keys[issuer.current_kid]
    relabelled = jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": ec_kid})
    with pytest.raises(Unauthorized, match="does not match its key"):
        issuer.verifier().verify(relabelled)


def test_id_tokens_are_not_bearer_credentials(issuer: LocalIssuer) -> None:
    with pytest.raises(Unauthorized, match="not an access token"):
        issuer.verifier().verify(issuer.mint(claims={"typ": "ID"}))


@pytest.mark.parametrize("claim", ["exp", "sub", "aud"])
def test_tokens_missing_a_required_claim_are_refused(issuer: LocalIssuer, claim: str) -> None:
    with pytest.raises(Unauthorized, match=f"'{claim}'"):
        issuer.verifier().verify(issuer.mint(claims={claim: None}))


def test_encryption_keys_in_the_jwks_are_ignored() -> None:
    jwks: dict[str, Any] = {
        "keys": [
            {
                "kid": "enc-1",
                "kty": "RSA",
                "use": "enc",
                "alg": "RSA-OAEP",
                "n": "AQAB",
                "e": "AQAB",
            },
            {"kid": "sig-1", "kty": "RSA", "use": "sig", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
        ]
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=jwks))
    cache = JwksCache(
        "http://keycloak.invalid/certs", http_client=httpx.Client(transport=transport)
    )
    assert cache.get("sig-1")["alg"] == "RS256"
    with pytest.raises(Unauthorized):
        cache.get("enc-1")
