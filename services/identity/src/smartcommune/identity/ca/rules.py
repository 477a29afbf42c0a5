"""Who may do what with the CA: one rule per REST endpoint and gRPC method (ARCHITECTURE §7).

* Officials' certificates are issued by a province administrator or a district officer, within
  their subtree; a district officer cannot mint a province-level role, and nobody issues their
  own signing certificate (four eyes on every key that can sign decisions).
* Residents' certificates and external certificates are a commune officer's work, in the
  resident's commune.
* `Sign` admits *people* with an official role and no service account at all: a service that
  wants a decision signed forwards the official's own token. Auditors never sign.
* `Verify` and `GetCertificateChain` are open to every authenticated caller, people and the
  platform's services alike — they reveal nothing a signature does not already carry.
"""

from __future__ import annotations

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Rule,
)
from smartcommune.kit.auth.grpc_server import PUBLIC, MethodRule

OFFICIAL_ROLES = frozenset({PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER})
#: Which certificate roles each issuing role may put into a certificate.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    PROVINCE_ADMIN: OFFICIAL_ROLES,
    DISTRICT_OFFICER: frozenset({DISTRICT_OFFICER, COMMUNE_OFFICER}),
}
PLATFORM_SERVICES = frozenset(
    {"dossiers", "identity", "payments", "techteams", "scoring", "audit", "portal"}
)

ISSUE_OFFICIAL = Rule(roles={PROVINCE_ADMIN, DISTRICT_OFFICER}, write=True)
ISSUE_RESIDENT = Rule(roles={COMMUNE_OFFICER}, write=True)
RECORD_EXTERNAL = Rule(roles={COMMUNE_OFFICER}, write=True)
READ = Rule(roles={PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER, AUDITOR})
#: The role half of `READ`, checked before a listing is filtered to the caller's subtree.
READ_ROLE = Rule(roles=READ.roles, scope="any")
#: Signing: people with an official role only — `services` is empty on purpose.
SIGN = Rule(roles=OFFICIAL_ROLES, scope="any", write=True)
VERIFY = Rule(
    roles={*OFFICIAL_ROLES, AUDITOR, TECHTEAM_MEMBER}, scope="any", services=PLATFORM_SERVICES
)

SIGNING_SERVICE = "identity.v1.Signing"
#: The gRPC rule table for the signing server (`kit.auth.grpc_server.AuthInterceptor`).
SIGNING_RULES: dict[str, Rule | MethodRule] = {
    f"/{SIGNING_SERVICE}/Sign": SIGN,
    f"/{SIGNING_SERVICE}/Verify": VERIFY,
    f"/{SIGNING_SERVICE}/GetCertificateChain": VERIFY,
    "/grpc.health.v1.Health/Check": PUBLIC,
    "/grpc.health.v1.Health/Watch": PUBLIC,
    # Reflection describes the API only, but it is still no business of anonymous callers.
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": VERIFY,
}

#: What each signature purpose (`SignRequest.purpose`) may be signed as, by certificate role.
#: Recognition and its revocation are decisions of the certifying authority (district or
#: province); a commune signs its proposal; anything else is signed as a plain "document".
PURPOSE_ROLES: dict[str, frozenset[str]] = {
    "recognition-decision": frozenset({DISTRICT_OFFICER, PROVINCE_ADMIN}),
    "revocation-decision": frozenset({DISTRICT_OFFICER, PROVINCE_ADMIN}),
    "recognition-proposal": frozenset({COMMUNE_OFFICER}),
    "document": OFFICIAL_ROLES,
}
