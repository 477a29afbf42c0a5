"""ClientCredentials: one shared service token, renewed before it expires."""

import threading
import time
from urllib.parse import parse_qs

import httpx
import pytest

from smartcommune.kit.auth import ClientCredentials, TokenUnavailableError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TokenEndpoint:
    """Answers like Keycloak's token endpoint; can be told to fail or to be slow."""

    def __init__(self, lifetime: int = 300) -> None:
        self.lifetime = lifetime
        self.requests: list[dict[str, list[str]]] = []
        self.failing: httpx.Response | None = None
        self.delay = 0.0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.delay)
        self.requests.append(parse_qs(request.content.decode()))
        if self.failing is not None:
            return self.failing
        token = f"token-{len(self.requests)}"
        return httpx.Response(200, json={"access_token": token, "expires_in": self.lifetime})


def provider(endpoint: TokenEndpoint, clock: FakeClock) -> ClientCredentials:
    client = httpx.Client(transport=httpx.MockTransport(endpoint))
    return ClientCredentials(
        "http://kc.invalid/token", "dossiers", "s3cret", http_client=client, clock=clock
    )


def test_posts_a_client_credentials_grant() -> None:
    endpoint = TokenEndpoint()
    assert provider(endpoint, FakeClock()).token() == "token-1"
    assert endpoint.requests == [
        {
            "grant_type": ["client_credentials"],
            "client_id": ["dossiers"],
            "client_secret": ["s3cret"],
        }
    ]


def test_token_is_reused_until_30_seconds_before_expiry() -> None:
    endpoint, clock = TokenEndpoint(lifetime=300), FakeClock()
    credentials = provider(endpoint, clock)
    assert credentials.token() == "token-1"
    clock.now = 269
    assert credentials.token() == "token-1"
    clock.now = 271
    assert credentials.token() == "token-2"
    assert len(endpoint.requests) == 2


def test_long_lived_tokens_renew_when_ten_percent_remains() -> None:
    endpoint, clock = TokenEndpoint(lifetime=3600), FakeClock()
    credentials = provider(endpoint, clock)
    credentials.token()
    clock.now = 3239
    assert credentials.token() == "token-1"
    clock.now = 3241
    assert credentials.token() == "token-2"


def test_short_lived_tokens_renew_half_way_not_on_every_call() -> None:
    endpoint, clock = TokenEndpoint(lifetime=20), FakeClock()
    credentials = provider(endpoint, clock)
    credentials.token()
    clock.now = 9
    assert credentials.token() == "token-1"
    clock.now = 11
    assert credentials.token() == "token-2"


def test_failed_renewal_keeps_the_still_valid_token_then_fails() -> None:
    endpoint, clock = TokenEndpoint(lifetime=300), FakeClock()
    credentials = provider(endpoint, clock)
    credentials.token()
    endpoint.failing = httpx.Response(503, text="down")
    clock.now = 290
    assert credentials.token() == "token-1"
    clock.now = 301
    with pytest.raises(TokenUnavailableError, match="HTTP 503"):
        credentials.token()


def test_refused_client_error_names_the_client_not_the_secret() -> None:
    endpoint = TokenEndpoint()
    endpoint.failing = httpx.Response(401, json={"error": "unauthorized_client"})
    with pytest.raises(TokenUnavailableError) as caught:
        provider(endpoint, FakeClock()).token()
    assert "unauthorized_client" in str(caught.value)
    assert "dossiers" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_unreachable_endpoint_is_a_typed_error() -> None:
    credentials = ClientCredentials("http://127.0.0.1:9/token", "dossiers", "s3cret")
    with pytest.raises(TokenUnavailableError, match="unreachable"):
        credentials.token()


def test_concurrent_callers_share_one_fetch() -> None:
    endpoint = TokenEndpoint()
    endpoint.delay = 0.05
    credentials = provider(endpoint, FakeClock())
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(credentials.token())) for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tokens == ["token-1"] * 16
    assert len(endpoint.requests) == 1


def test_for_issuer_uses_keycloak_token_endpoint_and_repr_hides_the_secret() -> None:
    credentials = ClientCredentials.for_issuer("http://kc/realms/smartcommune/", "audit", "s3cret")
    assert credentials.token_url == "http://kc/realms/smartcommune/protocol/openid-connect/token"
    assert "s3cret" not in repr(credentials)
