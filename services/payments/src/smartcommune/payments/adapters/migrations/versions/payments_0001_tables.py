"""The service's tables: read models, residents and households, vault, webhook guard

Revision ID: payments_0001
Revises:
Create Date: 2026-11-23

Generated from `tables.py` once, then kept as it is: a migration is a snapshot of what it did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "payments_0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "account_vault",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_vault")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_account_vault_fingerprint")),
    )
    op.create_table(
        "cashless_payments",
        sa.Column("payment_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_transaction_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("payer_kind", sa.String(length=16), nullable=False),
        sa.Column("payer_id", sa.String(length=64), nullable=True),
        sa.Column("payee_kind", sa.String(length=16), nullable=False),
        sa.Column("payee_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("village_code", sa.String(length=7), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("unit_path", sa.String(length=500), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("fee_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_cashless_payments")),
    )
    with op.batch_alter_table("cashless_payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cashless_payments_commune", ["commune_code", "paid_on"], unique=False
        )

    op.create_table(
        "fee_requests",
        sa.Column("fee_id", sa.String(length=64), nullable=False),
        sa.Column("dossier_id", sa.String(length=64), nullable=False),
        sa.Column("dossier_number", sa.String(length=64), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("unit_path", sa.String(length=500), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("bill_number", sa.String(length=25), nullable=False),
        sa.Column("vietqr_payload", sa.String(length=512), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fee_id", name=op.f("pk_fee_requests")),
        sa.UniqueConstraint(
            "commune_code", "bill_number", name=op.f("uq_fee_requests_commune_code_bill_number")
        ),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_fee_requests_dossier_id")),
    )
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("village_code", sa.String(length=7), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_households")),
    )
    op.create_index("ix_households_village", "households", ["village_code"])

    op.create_table(
        "merchants",
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("village_code", sa.String(length=7), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("unit_path", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("accepts_qr", sa.Boolean(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("merchant_id", name=op.f("pk_merchants")),
    )
    op.create_index("ix_merchants_unit", "merchants", ["unit_path"])

    op.create_table(
        "payment_accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("holder_kind", sa.String(length=16), nullable=False),
        sa.Column("holder_id", sa.String(length=64), nullable=False),
        sa.Column("village_code", sa.String(length=7), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("unit_path", sa.String(length=500), nullable=False),
        sa.Column("provider_type", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("masked_number", sa.String(length=32), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_payment_accounts")),
    )
    op.create_index("ix_payment_accounts_holder", "payment_accounts", ["holder_id"])
    op.create_index("ix_payment_accounts_unit", "payment_accounts", ["unit_path"])

    op.create_table(
        "residents",
        sa.Column("resident_id", sa.String(length=64), nullable=False),
        sa.Column("village_code", sa.String(length=7), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("erased", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("resident_id", name=op.f("pk_residents")),
    )
    op.create_index("ix_residents_village", "residents", ["village_code"])

    op.create_table(
        "webhook_notifications",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("notification_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint(
            "provider", "notification_id", name=op.f("pk_webhook_notifications")
        ),
    )


def downgrade() -> None:
    op.drop_table("webhook_notifications")
    op.drop_table("residents")
    op.drop_table("payment_accounts")
    op.drop_table("merchants")
    op.drop_table("households")
    op.drop_table("fee_requests")
    op.drop_table("cashless_payments")
    op.drop_table("account_vault")
