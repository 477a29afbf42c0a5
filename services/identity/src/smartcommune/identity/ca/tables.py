"""The CA's own tables, in their own `MetaData` and Alembic history (`ca/migrations`).

* `ca_keys` — private keys, each PKCS#8-encrypted under a password derived from the master key
  and the key's label: the CA's two keys and the officials' remote-signing keys. Residents'
  keys are never here (CSR: never seen; PKCS#12: handed over once and dropped).
* `ca_certificates` — every certificate the CA issued or recorded, keyed by SHA-256 fingerprint;
  revocation is a column pair, written once.
* `ca_crls` — every CRL issued, by CRL number (RFC 5280 wants the number to increase forever).
* `ca_signatures` — the signing log: who signed which digest for what purpose and when.
  Documents themselves are not kept, only their SHA-256.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
)

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)
_TZ = DateTime(timezone=True)

ca_keys = Table(
    "ca_keys",
    metadata,
    Column("label", String(80), primary_key=True),
    Column("algorithm", String(40), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("created_at", _TZ, nullable=False),
)

ca_certificates = Table(
    "ca_certificates",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("serial", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("holder", String(100), nullable=False),
    Column("role", String(40), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("commune_code", String(5), nullable=True),
    Column("subject_dn", String(1000), nullable=False),
    Column("not_before", _TZ, nullable=False),
    Column("not_after", _TZ, nullable=False),
    Column("der", LargeBinary, nullable=False),
    Column("key_origin", String(20), nullable=False),
    Column("issued_at", _TZ, nullable=False),
    Column("provider", String(80), nullable=True),
    Column("chain_status", String(300), nullable=True),
    Column("revoked_at", _TZ, nullable=True),
    Column("revocation_reason", String(40), nullable=True),
)
Index("ix_ca_certificates_serial", ca_certificates.c.serial)
Index("ix_ca_certificates_holder", ca_certificates.c.holder)
Index("ix_ca_certificates_subject_dn", ca_certificates.c.subject_dn)

ca_crls = Table(
    "ca_crls",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("this_update", _TZ, nullable=False),
    Column("next_update", _TZ, nullable=False),
    Column("der", LargeBinary, nullable=False),
)

ca_signatures = Table(
    "ca_signatures",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("serial", String(64), nullable=False),
    Column("signer", String(100), nullable=False),
    Column("purpose", String(80), nullable=False),
    Column("content_type", String(120), nullable=False),
    Column("document_sha256", String(64), nullable=False),
    Column("signed_at", _TZ, nullable=False),
)
