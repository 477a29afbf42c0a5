"""Who may call what: one rule per endpoint (ARCHITECTURE §7), tested endpoint by endpoint.

- Teams are set up and changed by a decision of the commune: commune officers, own commune.
- Field work — tasks, surveys, attestations, trainings, visit plans — is recorded by commune
  officers (own commune) and by tech-team members, who are confined to their village (their
  token's admin unit) *and* to their own team: the member record linked to their account says
  which (`application.access`).
- Reads: officers, district and province staff and auditors in their subtree; members in their
  village, and a team's tasks only for their own team.
The unit checked is always derived on the server (unit directory or stored aggregate), never a
path sent by the client.
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

MANAGE = Rule(roles={COMMUNE_OFFICER}, write=True)
FIELD = Rule(roles={COMMUNE_OFFICER, TECHTEAM_MEMBER}, write=True)
READ = Rule(roles={COMMUNE_OFFICER, DISTRICT_OFFICER, PROVINCE_ADMIN, AUDITOR, TECHTEAM_MEMBER})

#: The map, endpoint by endpoint (operation id → rule); the tests walk it.
ENDPOINT_RULES: dict[str, Rule] = {
    "establish_team": MANAGE,
    "add_member": MANAGE,
    "remove_member": MANAGE,
    "change_leader": MANAGE,
    "link_account": MANAGE,
    "dissolve_team": MANAGE,
    "create_task": FIELD,
    "plan_visits": FIELD,
    "assign_task": FIELD,
    "complete_task": FIELD,
    "cancel_task": FIELD,
    "record_survey": FIELD,
    "attest_facility": FIELD,
    "record_training": FIELD,
    "get_team": READ,
    "list_teams": READ,
    "list_team_tasks": READ,
    "get_task": READ,
    "get_survey": READ,
    "list_unsurveyed_households": READ,
    "village_figures": READ,
    "whoami": Rule(roles=READ.roles, scope="any"),
}


def is_member_only(principal: Principal) -> bool:
    """A tech-team member without an official role: confined to their own team."""
    return TECHTEAM_MEMBER in principal.roles and not principal.roles & (
        FIELD.roles - {TECHTEAM_MEMBER}
    )


def writer(principal: Principal, rule: Rule) -> Caller:
    """The caller of a command: its actor in the events, and its unit and team guards."""
    authorize(principal, Rule(roles=rule.roles, scope="any", write=True), None)
    role = sorted(principal.roles & rule.roles)[0]
    return Caller(
        actor=Actor(subject=principal.actor, role=role),
        subject=principal.subject,
        authorize=lambda unit_path: authorize(principal, rule, unit_path),
        as_member=is_member_only(principal),
        trace=current_traceparent(),
    )
