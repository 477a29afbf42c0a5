"""Envelope encryption of personal data: one data key per resident, wrapped by the master key.

- Each resident's personal data is encrypted with AES-256-GCM under its own random 256-bit data
  key (DEK). The associated data names the resident, so a ciphertext copied onto another
  resident's row fails authentication instead of decrypting as someone else.
- The DEK is stored only *wrapped*: AES-256-GCM under a key-encryption key (KEK) derived from the
  master key (a secret from settings, never in the database), with the key id and resident id as
  associated data. Destroying one resident's wrapped DEK makes that resident's data unreadable
  for good ("crypto-shredding") without touching anyone else's.
- A duplicate national ID number is found through a *blind index*: HMAC-SHA256 under a second key
  derived from the master key. A plain hash would not do: 10^12 ID numbers are brute-forced in
  minutes, while the HMAC cannot be computed without the master key.
- Master keys carry an id; rows record the id they were wrapped under, so a new master key can
  be introduced while older ones still unwrap (`Keyring.previous`), and rows re-wrapped later.

Both keys come from the master key by HKDF with distinct labels, so the one secret is never used
directly by two algorithms.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# The one master-key check lives in settings (the CA uses it too); re-exported for the vault.
from ..settings import KeyConfigurationError as KeyConfigurationError
from ..settings import decode_master_key as decode_master_key

KEY_BYTES = 32
NONCE_BYTES = 12
_LABEL = b"smartcommune.identity/"


class DecryptionError(Exception):
    """Authentication failed: wrong key, wrong resident, or altered bytes."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=None, info=_LABEL + purpose).derive(master)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError):
        raise DecryptionError("the ciphertext does not authenticate") from None


def encrypt(dek: bytes, plaintext: bytes, resident_id: str) -> bytes:
    """nonce ‖ ciphertext ‖ tag, bound to `resident_id`."""
    return _seal(dek, plaintext, _LABEL + b"personal-data/v1\0" + resident_id.encode())


def decrypt(dek: bytes, blob: bytes, resident_id: str) -> bytes:
    return _open(dek, blob, _LABEL + b"personal-data/v1\0" + resident_id.encode())


@dataclass(frozen=True)
class _MasterKey:
    kek: bytes
    index_key: bytes


class Keyring:
    """The current master key (wraps new data keys) and older ones (still unwrap)."""

    def __init__(self, current_id: str, keys: Mapping[str, bytes]) -> None:
        if current_id not in keys:
            raise KeyConfigurationError(f"no master key with id {current_id!r}")
        self.current_id = current_id
        self._keys = {
            key_id: _MasterKey(_derive(key, b"kek/v1"), _derive(key, b"blind-index/v1"))
            for key_id, key in keys.items()
        }

    @staticmethod
    def new_dek() -> bytes:
        return os.urandom(KEY_BYTES)

    def wrap(self, dek: bytes, resident_id: str) -> tuple[str, bytes]:
        key_id = self.current_id
        return key_id, _seal(self._keys[key_id].kek, dek, self._dek_aad(key_id, resident_id))

    def unwrap(self, key_id: str, wrapped: bytes, resident_id: str) -> bytes:
        if key_id not in self._keys:
            raise DecryptionError(f"master key {key_id!r} is not configured")
        return _open(self._keys[key_id].kek, wrapped, self._dek_aad(key_id, resident_id))

    def blind_index(self, national_id: str, key_id: str | None = None) -> str:
        key = self._keys[key_id or self.current_id].index_key
        return hmac.new(key, national_id.encode(), hashlib.sha256).hexdigest()

    def all_blind_indexes(self, national_id: str) -> set[str]:
        """Under every configured key: rows not yet re-wrapped still match."""
        return {self.blind_index(national_id, key_id) for key_id in self._keys}

    @staticmethod
    def _dek_aad(key_id: str, resident_id: str) -> bytes:
        return _LABEL + b"dek/v1\0" + key_id.encode() + b"\0" + resident_id.encode()
