"""Unit scoping and the rule vocabulary every endpoint and gRPC method declares.

A rule is data, so a service's routing table doubles as a readable map of who may do what,
and every rule can be tested without a running server (ARCHITECTURE §7).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from smartcommune.kit.auth.errors import Forbidden
from smartcommune.kit.auth.principal import AUDITOR, Principal

Scope = Literal["subtree", "any"]


def unit_segments(path: str) -> tuple[str, ...]:
    """Split an admin-unit path into segments.

    Paths are compared segment by segment, never as string prefixes (``VN-26/song-lo`` must not
    cover ``VN-26/song-lo-2``). NFC normalisation makes ``sông-lô`` typed on different keyboards
    compare equal. An empty segment (``a//b``) is treated as malformed rather than skipped.
    """
    segments = tuple(unicodedata.normalize("NFC", path).strip("/").split("/"))
    if any(not s.strip() for s in segments):
        raise ValueError(f"malformed admin unit path {path!r}")
    return segments


def unit_in_subtree(principal_unit: str, target_unit: str) -> bool:
    """True when ``target_unit`` is ``principal_unit`` itself or lies below it."""
    try:
        own, target = unit_segments(principal_unit), unit_segments(target_unit)
    except ValueError:
        return False
    return target[: len(own)] == own


@dataclass(frozen=True)
class Rule:
    """Who may call one endpoint or method.

    ``roles`` admit people; ``services`` admit service accounts by client id (a service is never
    admitted by a role, only by name). ``scope="subtree"`` confines people to their own admin
    unit's subtree; ``"any"`` is for platform-wide reads such as the criteria sets. ``write``
    marks commands: the auditor role never grants a write, whatever else the rule says.
    """

    roles: frozenset[str] = frozenset()
    scope: Scope = "subtree"
    write: bool = False
    services: frozenset[str] = frozenset()

    def __init__(
        self,
        roles: Iterable[str] = (),
        scope: Scope = "subtree",
        write: bool = False,
        services: Iterable[str] = (),
    ) -> None:
        # A hand-written __init__ lets call sites pass plain sets while the rule stays frozen.
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "scope", scope)
        object.__setattr__(self, "write", write)
        object.__setattr__(self, "services", frozenset(services))
        if scope not in ("subtree", "any"):
            raise ValueError(f"unknown scope {scope!r}")
        if write and AUDITOR in self.roles:
            raise ValueError("auditors are read-only: a write rule cannot name the auditor role")


def authorize(principal: Principal, rule: Rule, target_unit: str | None) -> None:
    """Raise :class:`Forbidden` unless ``rule`` lets ``principal`` act on ``target_unit``.

    Service accounts are checked by name only: they are not bound to an admin unit, and when a
    service acts for an official it forwards the official's token, so scoping applies to them.
    """
    if principal.is_service:
        if principal.client_id not in rule.services:
            raise Forbidden(f"service '{principal.client_id}' is not allowed here")
        return
    granting = principal.roles & rule.roles
    if rule.write:
        granting -= {AUDITOR}
    if not granting:
        needed = ", ".join(sorted(rule.roles - {AUDITOR} if rule.write else rule.roles))
        raise Forbidden(f"requires one of the roles: {needed}" if needed else "not allowed")
    if rule.scope == "any":
        return
    if principal.admin_unit is None:
        raise Forbidden("your account has no admin_unit")
    if target_unit is None:
        raise Forbidden("the request names no admin unit")
    if not unit_in_subtree(principal.admin_unit, target_unit):
        raise Forbidden(f"unit '{target_unit}' is outside your unit '{principal.admin_unit}'")
