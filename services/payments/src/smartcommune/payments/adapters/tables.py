"""The service's own tables, in its own `MetaData` (Alembic history `payments_alembic_version`).

Read models of its aggregates (`payment_accounts`, `merchants`, `cashless_payments`,
`fee_requests`), written in the same transaction as the events; the residents and households
it learns from `identity.events.v1` (for the working-age denominator); the encrypted
`account_vault`; and `webhook_notifications`, the replay guard of the webhook. Dates are Vietnam
calendar dates.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from smartcommune.kit.store.tables import NAMING_CONVENTION

metadata = MetaData(naming_convention=NAMING_CONVENTION)

payment_accounts = Table(
    "payment_accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("holder_kind", String(16), nullable=False),
    Column("holder_id", String(64), nullable=False),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("provider_type", String(16), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("masked_number", String(32), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
)
Index("ix_payment_accounts_unit", payment_accounts.c.unit_path)
Index("ix_payment_accounts_holder", payment_accounts.c.holder_id)

#: The only place a full account number is kept: AES-256-GCM ciphertext, and a keyed
#: fingerprint (HMAC-SHA256 of provider and number) that finds a second opening of the same account.
account_vault = Table(
    "account_vault",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("nonce", LargeBinary, nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
)

merchants = Table(
    "merchants",
    metadata,
    Column("merchant_id", String(64), primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("accepts_qr", Boolean, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("changed_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_merchants_unit", merchants.c.unit_path)

cashless_payments = Table(
    "cashless_payments",
    metadata,
    Column("payment_id", String(64), primary_key=True),
    Column("provider", String(32), nullable=False),
    Column("provider_transaction_id", String(64), nullable=False),
    Column("purpose", String(24), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("amount_vnd", BigInteger, nullable=False),
    Column("payer_kind", String(16), nullable=False),
    Column("payer_id", String(64), nullable=True),
    Column("payee_kind", String(16), nullable=False),
    Column("payee_id", String(64), nullable=True),
    Column("household_id", String(64), nullable=True),
    Column("village_code", String(7), nullable=True),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("fee_id", String(64), nullable=True),
)
Index("ix_cashless_payments_commune", cashless_payments.c.commune_code, cashless_payments.c.paid_on)

fee_requests = Table(
    "fee_requests",
    metadata,
    Column("fee_id", String(64), primary_key=True),
    Column("dossier_id", String(64), nullable=False, unique=True),
    Column("dossier_number", String(64), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("unit_path", String(500), nullable=False),
    Column("amount_vnd", BigInteger, nullable=False),
    Column("bill_number", String(25), nullable=False),
    Column("vietqr_payload", String(512), nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("payment_id", String(64), nullable=True),
    Column("paid_on", Date, nullable=True),
    Column("channel", String(16), nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("commune_code", "bill_number"),
)

residents = Table(
    "residents",
    metadata,
    Column("resident_id", String(64), primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
    Column("household_id", String(64), nullable=True),
    Column("birth_year", Integer, nullable=False),
    Column("erased", Boolean, nullable=False),
)
Index("ix_residents_village", residents.c.village_code)

households = Table(
    "households",
    metadata,
    Column("household_id", String(64), primary_key=True),
    Column("village_code", String(7), nullable=False),
    Column("commune_code", String(5), nullable=False),
)
Index("ix_households_village", households.c.village_code)

webhook_notifications = Table(
    "webhook_notifications",
    metadata,
    Column("provider", String(32), primary_key=True),
    Column("notification_id", String(64), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("payment_id", String(64), nullable=True),
)
