"""Who may do what (ARCHITECTURE §7): one rule per endpoint and gRPC method, tested one by one.

Units are always resolved on the server (codes → paths from the unit directory), never taken
from the client. Deciding is for the role the criteria set names as its certifying authority,
within that official's subtree; the other rules are fixed here.
"""

from __future__ import annotations

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    Rule,
)

PLATFORM_SERVICES = frozenset({"dossiers", "identity", "payments", "techteams", "audit", "portal"})
#: Criteria sets and the unit directory are public to every signed-in official and service.
READ_ANY = Rule(
    roles={PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER, AUDITOR, "techteam-member"},
    scope="any",
    services=PLATFORM_SERVICES,
)
#: Scorecards, proposals, decisions: readers of the unit's subtree (and the platform services).
READ_UNIT = Rule(
    roles={PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER, AUDITOR}, services=PLATFORM_SERVICES
)
#: Master data: the province administrator, within the province.
WRITE_UNITS = Rule(roles={PROVINCE_ADMIN}, write=True)
#: A commune proposes its own units.
PROPOSE = Rule(roles={COMMUNE_OFFICER}, write=True)
#: A commune officer attests the commune's own facts (criterion 8: postal point, officials, OCOP).
ATTEST_FACTS = Rule(roles={COMMUNE_OFFICER}, write=True)


def authority_rule(role: str) -> Rule:
    """Review, decide and revoke: the certifying authority's role named by the set."""
    return Rule(roles={role}, write=True)


#: operation id → rule (or the name of the set-dependent rule); the tests walk this map.
ENDPOINT_RULES: dict[str, Rule | str] = {
    "list_criteria_sets": READ_ANY,
    "get_criteria_set": READ_ANY,
    "list_units": READ_ANY,
    "get_unit": READ_ANY,
    "create_unit": WRITE_UNITS,
    "change_unit": WRITE_UNITS,
    "merge_units": WRITE_UNITS,
    "get_scorecard": READ_UNIT,
    "get_unit_metrics": READ_UNIT,
    "attest_unit_fact": ATTEST_FACTS,
    "list_unit_facts": READ_UNIT,
    "list_recognitions": READ_UNIT,
    "propose_recognition": PROPOSE,
    "get_proposal": READ_UNIT,
    "return_proposal": "certifying authority of the set",
    "issue_decision": "certifying authority of the set",
    "get_decision": READ_UNIT,
    "get_decision_html": READ_UNIT,
    "get_decision_pdf": READ_UNIT,
    "revoke_decision": "certifying authority of the set",
}
