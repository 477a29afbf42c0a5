"""Who may call what: one rule per endpoint (ARCHITECTURE §7), tested endpoint by endpoint.

Commune officers write within their own commune; district officers, province administrators and
auditors read their subtree (auditors never write — the kit refuses a write rule naming them).
The unit checked is always derived on the server: from a commune code through the unit
directory, or from the stored dossier — never a path sent by the client.
"""

from __future__ import annotations

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    Principal,
    Rule,
    authorize,
)
from smartcommune.kit.events import Actor
from smartcommune.kit.telemetry import current_traceparent

from ..application.ports import Caller

WRITE = Rule(roles={COMMUNE_OFFICER}, write=True)
READ = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR})
#: The role part of WRITE, checked before the body is even looked at.
WRITE_ROLE = Rule(roles=WRITE.roles, scope="any", write=True)

#: The map, endpoint by endpoint (operation id → rule); the tests walk it.
ENDPOINT_RULES: dict[str, Rule] = {
    "submit_dossier": WRITE,
    **{f"{step}_dossier": WRITE for step in (
        "receive", "refuse", "start_processing", "request_supplement", "supplement", "extend",
        "stop", "resolve", "return_result", "rate",
    )},
    "import_dossiers": WRITE,
    "get_dossier": READ,
    "list_dossiers": READ,
    "export_dossiers_csv": READ,
    "unit_statistics": READ,
    "export_statistics_csv": READ,
}  # fmt: skip


def writer(principal: Principal) -> Caller:
    """The caller of a command: its actor in the events, and its unit guard."""
    authorize(principal, WRITE_ROLE, None)
    role = sorted(principal.roles & WRITE.roles)[0]
    return Caller(
        actor=Actor(subject=principal.actor, role=role),
        authorize=lambda unit_path: authorize(principal, WRITE, unit_path),
        trace=current_traceparent(),
    )
