"""Who may call what: one rule per endpoint (ARCHITECTURE §7), tested endpoint by endpoint.

Commune officers record within their own commune; community tech-team members (who onboard
residents and merchants to e-payment) may open accounts and register merchants in their own
village; district officers, province administrators and auditors read their subtree. The VietQR
tools touch no stored data, so every platform role may use them. The webhook carries no token:
it is authenticated by the provider's HMAC signature (`application/webhook.py`). The unit checked
is always derived on the server — from a code through the unit directory, or from the stored
aggregate — never a path sent by the client.
"""

from __future__ import annotations

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Principal,
    Rule,
    authorize,
)
from smartcommune.kit.events import Actor
from smartcommune.kit.telemetry import current_traceparent

from ..application.ports import Caller

WRITE = Rule(roles={COMMUNE_OFFICER}, write=True)
ONBOARD = Rule(roles={COMMUNE_OFFICER, TECHTEAM_MEMBER}, write=True)
READ = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR})
QR_TOOLS = Rule(
    roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR, TECHTEAM_MEMBER},
    scope="any",
)
#: Authenticated by the provider's signature, not by a token.
SIGNED_BY_PROVIDER = None

#: The map, endpoint by endpoint (operation id → rule); the tests walk it.
ENDPOINT_RULES: dict[str, Rule | None] = {
    "open_account": ONBOARD,
    "close_account": ONBOARD,
    "get_account": READ,
    "list_accounts": READ,
    "register_merchant": ONBOARD,
    "change_qr_acceptance": ONBOARD,
    "list_merchants": READ,
    "record_payment": WRITE,
    "list_payments": READ,
    "import_statement": WRITE,
    "provider_webhook": SIGNED_BY_PROVIDER,
    "get_dossier_fee": READ,
    "fee_qr_png": READ,
    "fee_qr_svg": READ,
    "build_vietqr": QR_TOOLS,
    "render_vietqr": QR_TOOLS,
    "parse_vietqr": QR_TOOLS,
    "unit_adoption": READ,
}


def caller_for(principal: Principal, rule: Rule) -> Caller:
    """The caller of a command: its actor in the events, and its unit guard for `rule`."""
    authorize(principal, Rule(roles=rule.roles, scope="any", write=True), None)
    role = sorted(principal.roles & rule.roles)[0]
    return Caller(
        actor=Actor(subject=principal.actor, role=role),
        authorize=lambda unit_path: authorize(principal, rule, unit_path),
        trace=current_traceparent(),
    )
