"""Keycloak token verification, unit scoping and service credentials (ARCHITECTURE §7).

The framework-free core (principal, rules, verifier, errors) is re-exported here; the FastAPI
and gRPC adapters live in :mod:`.rest`, :mod:`.grpc_server` and :mod:`.grpc_client`, so a
service imports only the framework it uses.
"""

from smartcommune.kit.auth.client_credentials import (
    ClientCredentials,
    TokenSource,
    TokenUnavailableError,
)
from smartcommune.kit.auth.errors import AuthError, Forbidden, Unauthorized
from smartcommune.kit.auth.principal import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Principal,
)
from smartcommune.kit.auth.scoping import Rule, authorize, unit_in_subtree
from smartcommune.kit.auth.verifier import TokenVerifier

__all__ = [
    "AUDITOR",
    "COMMUNE_OFFICER",
    "DISTRICT_OFFICER",
    "PROVINCE_ADMIN",
    "TECHTEAM_MEMBER",
    "AuthError",
    "ClientCredentials",
    "Forbidden",
    "Principal",
    "Rule",
    "TokenSource",
    "TokenUnavailableError",
    "TokenVerifier",
    "Unauthorized",
    "authorize",
    "unit_in_subtree",
]
