"""The CA's tables: sealed keys, certificates, CRLs and the signing log.

Revision ID: identity_ca_0001
Revises:
Create Date: 2026-11-23

Spelled out rather than created from `tables.py`: a migration is a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "identity_ca_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ca_keys",
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("algorithm", sa.String(40), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("label", name="pk_ca_keys"),
    )
    op.create_table(
        "ca_certificates",
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("serial", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(100), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("unit_path", sa.String(500), nullable=False),
        sa.Column("commune_code", sa.String(5), nullable=True),
        sa.Column("subject_dn", sa.String(1000), nullable=False),
        sa.Column("not_before", _TZ, nullable=False),
        sa.Column("not_after", _TZ, nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("key_origin", sa.String(20), nullable=False),
        sa.Column("issued_at", _TZ, nullable=False),
        sa.Column("provider", sa.String(80), nullable=True),
        sa.Column("chain_status", sa.String(300), nullable=True),
        sa.Column("revoked_at", _TZ, nullable=True),
        sa.Column("revocation_reason", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("fingerprint", name="pk_ca_certificates"),
    )
    op.create_index("ix_ca_certificates_serial", "ca_certificates", ["serial"])
    op.create_index("ix_ca_certificates_holder", "ca_certificates", ["holder"])
    op.create_index("ix_ca_certificates_subject_dn", "ca_certificates", ["subject_dn"])
    op.create_table(
        "ca_crls",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("this_update", _TZ, nullable=False),
        sa.Column("next_update", _TZ, nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_ca_crls"),
    )
    op.create_table(
        "ca_signatures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("serial", sa.String(64), nullable=False),
        sa.Column("signer", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(80), nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("signed_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ca_signatures"),
    )


def downgrade() -> None:
    for table in ("ca_signatures", "ca_crls", "ca_certificates", "ca_keys"):
        op.drop_table(table)
