"""Look-ups the handlers make in the read model, inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .tables import households, residents, team_members, teams


class ReadModel:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _one(self, query: Any) -> dict[str, Any] | None:
        row = self._session.execute(query).mappings().first()
        return dict(row) if row else None

    def active_team_of_village(self, village_code: str) -> str | None:
        query = select(teams.c.team_id).where(
            teams.c.village_code == village_code, teams.c.dissolved_on.is_(None)
        )
        return self._session.scalars(query).first()

    def member_of_account(self, subject: str) -> dict[str, Any] | None:
        """The active member (of an active team) a platform account is linked to."""
        query = (
            select(team_members)
            .join(teams, teams.c.team_id == team_members.c.team_id)
            .where(
                team_members.c.account_subject == subject,
                team_members.c.left_on.is_(None),
                teams.c.dissolved_on.is_(None),
            )
        )
        return self._one(query)

    def household(self, household_id: str) -> dict[str, Any] | None:
        return self._one(select(households).where(households.c.household_id == household_id))

    def resident(self, resident_id: str) -> dict[str, Any] | None:
        return self._one(select(residents).where(residents.c.resident_id == resident_id))

    def households_in(self, ids: Iterable[str]) -> dict[str, str]:
        """household id → village code, for those of `ids` identity has told us about."""
        wanted = list(ids)
        query = select(households.c.household_id, households.c.village_code).where(
            households.c.household_id.in_(wanted)
        )
        return {h: v for h, v in self._session.execute(query)} if wanted else {}
