"""The consumer's tracking table, in the kit's own `metadata` beside the event store's tables.

A consumer writes one row per Kafka message it has dealt with — applied or dead-lettered — in
the SAME transaction as the projection change the message caused. The row is therefore the
proof that the change happened, and both its keys stop a second effect:

* the primary key `(consumer, topic, partition, offset)` catches a plain redelivery (the offset
  commit was lost, a rebalance replayed a partition);
* the unique `(consumer, event_id)` catches a *copy* at another offset (the relay crashed after
  Kafka acknowledged and re-published). `event_id` is NULL for bytes that never decoded into an
  envelope; both databases allow several NULLs under a unique constraint.

The schema itself is created by the migration `kit_0002_consumer_tracking`; this module is the
declaration the code and the migration contract tests compare against.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Table, UniqueConstraint

from ..store.tables import metadata

consumer_tracking = Table(
    "consumer_tracking",
    metadata,
    Column("consumer", String(200), primary_key=True),  # the group: `<service>.<purpose>`
    Column("topic", String(249), primary_key=True),  # 249: Kafka's longest topic name
    Column("partition", Integer, primary_key=True),
    Column("offset", BigInteger, primary_key=True),
    Column("event_id", String(36), nullable=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("consumer", "event_id"),
)
