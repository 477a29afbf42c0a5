"""Envelope encryption: a per-resident data key under the master key, bound to the resident.

The crypto functions first (round trip, tampering, swapped rows, wrong keys, the blind index),
then the vault over a real SQLite database (store, read, erase, master-key rotation).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from smartcommune.identity.adapters.crypto import (
    DecryptionError,
    KeyConfigurationError,
    Keyring,
    decode_master_key,
    decrypt,
    encrypt,
)
from smartcommune.identity.adapters.migrations import migrate
from smartcommune.identity.adapters.tables import resident_keys, resident_personal_data
from smartcommune.identity.adapters.vault import SqlVault
from smartcommune.identity.application.errors import AlreadyRegistered
from smartcommune.identity.domain.errors import PersonalDataGone
from smartcommune.identity.domain.values import PersonalData
from smartcommune.kit.store import UnitOfWork, make_engine

ALICE = "resident-aaaaaaaa-0000-4000-8000-000000000001"
BOB = "resident-bbbbbbbb-0000-4000-8000-000000000002"
SECRET = "Trần Văn Bình 001099004321".encode()


def keyring(*ids: str) -> Keyring:
    ids = ids or ("k1",)
    return Keyring(ids[-1], {key_id: os.urandom(32) for key_id in ids})


def test_a_round_trip_gives_back_the_plaintext_and_the_ciphertext_hides_it() -> None:
    dek = Keyring.new_dek()
    blob = encrypt(dek, SECRET, ALICE)
    assert SECRET not in blob
    assert decrypt(dek, blob, ALICE) == SECRET
    assert encrypt(dek, SECRET, ALICE) != blob  # a fresh nonce every time


@pytest.mark.parametrize("position", [0, 12, 20, -1])
def test_a_single_flipped_bit_anywhere_is_refused(position: int) -> None:
    dek = Keyring.new_dek()
    blob = bytearray(encrypt(dek, SECRET, ALICE))
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError):
        decrypt(dek, bytes(blob), ALICE)


def test_a_ciphertext_moved_to_another_resident_is_refused() -> None:
    """The associated data names the resident: swapping rows cannot swap identities."""
    dek = Keyring.new_dek()
    with pytest.raises(DecryptionError):
        decrypt(dek, encrypt(dek, SECRET, ALICE), BOB)


def test_a_wrapped_key_opens_only_with_its_master_key_and_for_its_resident() -> None:
    ring, dek = keyring(), Keyring.new_dek()
    key_id, wrapped = ring.wrap(dek, ALICE)
    assert dek not in wrapped
    assert ring.unwrap(key_id, wrapped, ALICE) == dek
    with pytest.raises(DecryptionError):
        ring.unwrap(key_id, wrapped, BOB)
    with pytest.raises(DecryptionError):
        keyring().unwrap(key_id, wrapped, ALICE)  # another master key with the same id
    with pytest.raises(DecryptionError, match="not configured"):
        ring.unwrap("k9", wrapped, ALICE)
    with pytest.raises(DecryptionError):
        ring.unwrap(key_id, wrapped[:-1] + bytes([wrapped[-1] ^ 1]), ALICE)


def test_the_blind_index_is_keyed_so_it_cannot_be_recomputed_from_the_id_alone() -> None:
    one, other = keyring(), keyring()
    assert one.blind_index("001099004321") == one.blind_index("001099004321")
    assert one.blind_index("001099004321") != other.blind_index("001099004321")
    assert one.blind_index("001099004321") != one.blind_index("001099004322")
    assert "001099004321" not in one.blind_index("001099004321")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64!",
        base64.b64encode(os.urandom(16)).decode(),
        base64.b64encode(os.urandom(48)).decode(),
    ],
)
def test_a_missing_or_short_master_key_is_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(KeyConfigurationError, match="32 random bytes in base64"):
        decode_master_key(text, "SMARTCOMMUNE_IDENTITY_MASTER_KEY")


# ---------------------------------------------------------------- the vault on SQLite
PERSON = PersonalData(full_name="Lê Thị Mai", national_id="001199007777",
                      date_of_birth=date(1999, 7, 7), phone="0987654321")  # fmt: skip


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    migrate(url)
    built = make_engine(url)
    yield built
    built.dispose()


def now() -> datetime:
    return datetime.now(UTC)


def test_the_vault_stores_only_ciphertext_and_reads_it_back(engine: Engine) -> None:
    ring = keyring()
    with UnitOfWork(engine) as uow:
        vault = SqlVault(uow.session, ring, now)
        vault.store(ALICE, PERSON)
        uow.commit()
        row = uow.session.execute(select(resident_personal_data)).one()
        assert PERSON.full_name.encode() not in row.ciphertext
        assert PERSON.national_id not in (row.blind_index or "")
        assert vault.read(ALICE) == PERSON
        assert vault.find_by_national_id(PERSON.national_id) == ALICE
        with pytest.raises(AlreadyRegistered):
            vault.store(BOB, PERSON)  # the unique blind index is the backstop


def test_erasing_deletes_the_key_so_the_data_is_gone_for_good(engine: Engine) -> None:
    ring = keyring()
    with UnitOfWork(engine) as uow:
        vault = SqlVault(uow.session, ring, now)
        vault.store(ALICE, PERSON)
        vault.store(BOB, PERSON.model_copy(update={"national_id": "001199008888"}))
        saved = uow.session.execute(select(resident_personal_data.c.ciphertext)).scalars().first()
        vault.erase(ALICE)
        uow.commit()
        with pytest.raises(PersonalDataGone):
            vault.read(ALICE)
        keys_left = uow.session.execute(select(resident_keys)).all()
        assert [k.resident_id for k in keys_left] == [BOB]
        # Even a copy of the old ciphertext is useless: the only remaining key is Bob's.
        bob_dek = ring.unwrap(keys_left[0].key_id, keys_left[0].wrapped_dek, BOB)
        with pytest.raises(DecryptionError):
            decrypt(bob_dek, saved or b"", ALICE)
        assert vault.find_by_national_id(PERSON.national_id) is None  # may register again
        assert vault.read(BOB).national_id == "001199008888"


def test_a_new_master_key_reads_old_rows_and_rewrap_moves_them_over(engine: Engine) -> None:
    k1, k2 = os.urandom(32), os.urandom(32)
    with UnitOfWork(engine) as uow:
        SqlVault(uow.session, Keyring("k1", {"k1": k1}), now).store(ALICE, PERSON)
        uow.commit()
    with UnitOfWork(engine) as uow:
        vault = SqlVault(uow.session, Keyring("k2", {"k1": k1, "k2": k2}), now)
        assert vault.read(ALICE) == PERSON
        assert vault.find_by_national_id(PERSON.national_id) == ALICE  # old index still found
        assert vault.rewrap() == 1
        assert vault.rewrap() == 0
        uow.commit()
    with UnitOfWork(engine) as uow:
        vault = SqlVault(uow.session, Keyring("k2", {"k2": k2}), now)  # k1 retired
        assert vault.read(ALICE) == PERSON
        assert vault.find_by_national_id(PERSON.national_id) == ALICE
