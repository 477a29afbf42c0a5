"""The personal-data vault: envelope-encrypted rows in the service's own tables.

`store` draws a fresh data key, encrypts the personal data under it (bound to the resident id),
wraps the key under the current master key and records the national ID's blind index. `erase`
deletes the wrapped key — after which no key anywhere can open the data — and clears the
ciphertext and the blind index as well, so the person can be registered again later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..application.errors import AlreadyRegistered
from ..domain.errors import PersonalDataGone
from ..domain.values import PersonalData
from .crypto import Keyring, decrypt, encrypt
from .tables import resident_keys as keys
from .tables import resident_personal_data as data


class SqlVault:
    def __init__(self, session: Session, keyring: Keyring, clock: Callable[[], datetime]) -> None:
        self._session, self._keyring, self._clock = session, keyring, clock

    def find_by_national_id(self, national_id: str) -> str | None:
        indexes = self._keyring.all_blind_indexes(national_id)
        query = select(data.c.resident_id).where(data.c.blind_index.in_(indexes))
        return self._session.scalars(query).first()

    def store(self, resident_id: str, personal: PersonalData) -> None:
        dek, now = self._keyring.new_dek(), self._clock()
        key_id, wrapped = self._keyring.wrap(dek, resident_id)
        blob = encrypt(dek, personal.model_dump_json().encode(), resident_id)
        index = self._keyring.blind_index(personal.national_id)
        try:
            self._session.execute(
                insert(keys).values(
                    resident_id=resident_id, key_id=key_id, wrapped_dek=wrapped, created_at=now
                )
            )
            self._session.execute(
                insert(data).values(
                    resident_id=resident_id, ciphertext=blob, blind_index=index, updated_at=now
                )
            )
        except IntegrityError:  # the unique blind index: a concurrent registration won
            raise AlreadyRegistered(None) from None

    def read(self, resident_id: str) -> PersonalData:
        row = self._session.execute(
            select(keys.c.key_id, keys.c.wrapped_dek, data.c.ciphertext)
            .join(data, data.c.resident_id == keys.c.resident_id)
            .where(keys.c.resident_id == resident_id)
        ).first()
        if row is None or row.ciphertext is None:
            raise PersonalDataGone(resident_id)
        dek = self._keyring.unwrap(row.key_id, row.wrapped_dek, resident_id)
        return PersonalData.model_validate_json(decrypt(dek, row.ciphertext, resident_id))

    def erase(self, resident_id: str) -> None:
        now = self._clock()
        self._session.execute(delete(keys).where(keys.c.resident_id == resident_id))
        self._session.execute(
            update(data)
            .where(data.c.resident_id == resident_id)
            .values(ciphertext=None, blind_index=None, updated_at=now, erased_at=now)
        )

    def rewrap(self, limit: int = 1000) -> int:
        """Re-wrap up to `limit` data keys still under an older master key, and recompute their
        blind index under the current one; returns how many. Run after rotating the master key,
        until it returns 0; then the old key can be removed from the settings."""
        stale = self._session.execute(
            select(keys.c.resident_id, keys.c.key_id, keys.c.wrapped_dek)
            .where(keys.c.key_id != self._keyring.current_id)
            .limit(limit)
        ).all()
        for resident_id, key_id, wrapped in stale:
            dek = self._keyring.unwrap(key_id, wrapped, resident_id)
            new_id, new_wrapped = self._keyring.wrap(dek, resident_id)
            personal = self.read(resident_id)
            self._session.execute(
                update(keys).where(keys.c.resident_id == resident_id)
                .values(key_id=new_id, wrapped_dek=new_wrapped)
            )  # fmt: skip
            self._session.execute(
                update(data).where(data.c.resident_id == resident_id)
                .values(blind_index=self._keyring.blind_index(personal.national_id))
            )  # fmt: skip
        return len(stale)
