"""The account-number vault: full numbers, encrypted, in one table that nothing else reads.

AES-256-GCM with a key from the settings (a Kubernetes Secret); the account id is the associated
data, so a ciphertext moved to another row does not decrypt. The fingerprint is an HMAC-SHA256 of
(provider, number) under a key derived from the same secret: it finds a second opening of the
same account without the number being readable or guessable from the table (account numbers are
short enough that a plain hash could be reversed by trying them all).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .tables import account_vault


class AccountVault:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the account key must be 32 bytes (base64 of 32 random bytes)")
        self._aead = AESGCM(key)
        self._mac_key = hmac.new(key, b"smartcommune.payments.fingerprint", hashlib.sha256).digest()

    @classmethod
    def from_setting(cls, encoded: str) -> AccountVault:
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ValueError("the account key must be base64") from None
        return cls(key)

    def fingerprint(self, provider: str, number: str) -> str:
        message = f"{provider.upper()}\x00{number}".encode()
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()

    def holder_of(self, session: Session, provider: str, number: str) -> str | None:
        """The account id already holding this number at this provider, if any."""
        query = select(account_vault.c.account_id).where(
            account_vault.c.fingerprint == self.fingerprint(provider, number)
        )
        return session.scalar(query)

    def store(self, session: Session, account_id: str, provider: str, number: str) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, number.encode(), account_id.encode())
        session.execute(
            insert(account_vault).values(
                account_id=account_id,
                fingerprint=self.fingerprint(provider, number),
                nonce=nonce,
                ciphertext=sealed,
            )
        )

    def reveal(self, session: Session, account_id: str) -> str | None:
        row = session.execute(
            select(account_vault.c.nonce, account_vault.c.ciphertext).where(
                account_vault.c.account_id == account_id
            )
        ).one_or_none()
        if row is None:
            return None
        return self._aead.decrypt(row.nonce, row.ciphertext, account_id.encode()).decode()
