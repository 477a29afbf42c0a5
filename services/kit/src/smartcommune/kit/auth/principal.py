"""Who is calling: the part of a verified Keycloak access token that services act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from smartcommune.kit.auth.errors import Unauthorized

# The realm's human roles (ARCHITECTURE §7). Service accounts carry none of them: a service is
# recognised by its client id, and rules name the services they admit.
PROVINCE_ADMIN = "province-admin"
DISTRICT_OFFICER = "district-officer"
COMMUNE_OFFICER = "commune-officer"
TECHTEAM_MEMBER = "techteam-member"
AUDITOR = "auditor"

_SERVICE_ACCOUNT_PREFIX = "service-account-"


@dataclass(frozen=True)
class Principal:
    """A verified caller.

    ``token`` is the raw access token, kept so a service can forward an official's *own* token
    (e.g. to the signing service) instead of acting with its broader service account. It is left
    out of ``repr`` so a logged principal never leaks a usable credential.
    """

    subject: str
    username: str
    roles: frozenset[str]
    admin_unit: str | None
    client_id: str
    is_service: bool
    token: str = field(repr=False, compare=False)

    @property
    def actor(self) -> str:
        """The event envelope's ``actor``: ``service:<client>`` for automation, else the subject."""
        return f"service:{self.client_id}" if self.is_service else self.subject

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], token: str) -> Principal:
        """Build a principal from already *verified* claims.

        Only realm roles count (``realm_access.roles``); client roles are ignored on purpose so
        that one role vocabulary governs every service.
        """
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise Unauthorized("token has no subject")
        client_id = claims.get("azp")
        if not isinstance(client_id, str) or not client_id:
            raise Unauthorized("token has no authorised party (azp)")
        username = claims.get("preferred_username")
        username = username if isinstance(username, str) and username else subject
        realm_access = claims.get("realm_access")
        raw_roles = realm_access.get("roles", []) if isinstance(realm_access, Mapping) else []
        roles = frozenset(r for r in raw_roles if isinstance(r, str))
        # Keycloak's service-account tokens name the client in `client_id` (older: `clientId`),
        # and their username is `service-account-<client>`; a person's token has neither.
        is_service = (
            claims.get("client_id") == client_id
            or claims.get("clientId") == client_id
            or username == _SERVICE_ACCOUNT_PREFIX + client_id
        )
        return cls(
            subject=subject,
            username=username,
            roles=roles,
            admin_unit=_admin_unit(claims.get("admin_unit")),
            client_id=client_id,
            is_service=is_service,
            token=token,
        )


def _admin_unit(raw: object) -> str | None:
    """Accept the attribute as a string or a one-element list (a multivalued mapper)."""
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if isinstance(raw, str) and raw.strip("/"):
        return raw
    if raw is None or raw == [] or raw == "":
        return None
    raise Unauthorized("token carries an unreadable admin_unit")
