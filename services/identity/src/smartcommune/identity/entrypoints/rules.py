"""Who may call what: one rule per endpoint (ARCHITECTURE §7), tested endpoint by endpoint.

- Commune officers write within their own commune (a neighbouring commune's officer gets 403).
- Pseudonymous reads (residents, households, counts) are open to the subtree of district
  officers, province administrators and auditors, and to tech-team members for their village.
- Personal data is read only by a commune officer *of the resident's commune* — never by a
  district, province or auditor account, whose subtree would otherwise cover it — and each read
  is written to the audit log.

The unit checked is always derived on the server: from a village code through the unit
directory, or from the stored resident or household — never a path sent by the client.
"""

from __future__ import annotations

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
    Forbidden,
    Principal,
    Rule,
    authorize,
    unit_in_subtree,
)
from smartcommune.kit.events import Actor
from smartcommune.kit.telemetry import current_traceparent

from ..application.ports import Caller
from ..application.queries import Reader

WRITE = Rule(roles={COMMUNE_OFFICER}, write=True)
READ = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR, TECHTEAM_MEMBER})
PERSONAL = Rule(roles={COMMUNE_OFFICER})
#: The role part of WRITE, checked before the body is even looked at.
WRITE_ROLE = Rule(roles=WRITE.roles, scope="any", write=True)

#: The map, endpoint by endpoint (operation id → rule); the tests walk it.
ENDPOINT_RULES: dict[str, Rule] = {
    "register_resident": WRITE,
    "record_vneid_level": WRITE,
    "erase_resident": WRITE,
    "register_household": WRITE,
    "add_household_member": WRITE,
    "get_resident": READ,
    "get_household": READ,
    "list_residents": READ,
    "list_households": READ,
    "unit_counts": READ,
    "read_personal_data": PERSONAL,
}


def writer(principal: Principal) -> Caller:
    """The caller of a command: its actor in the events, and its unit guard."""
    authorize(principal, WRITE_ROLE, None)
    role = sorted(principal.roles & WRITE.roles)[0]
    return Caller(
        actor=Actor(subject=principal.actor, role=role),
        authorize=lambda unit_path: authorize(principal, WRITE, unit_path),
        trace=current_traceparent(),
    )


def personal_data_reader(principal: Principal) -> Reader:
    """A commune officer whose own unit lies within the resident's commune (a commune officer
    mis-assigned to a district would otherwise read every commune below it)."""

    def guard(village_path: str) -> None:
        authorize(principal, PERSONAL, village_path)
        commune_path = village_path.rsplit("/", 1)[0]
        if not unit_in_subtree(commune_path, principal.admin_unit or ""):
            raise Forbidden("personal data is read only by officers of the resident's commune")

    return Reader(subject=principal.actor, role=COMMUNE_OFFICER, authorize=guard)
