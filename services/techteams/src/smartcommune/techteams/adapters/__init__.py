"""Adapters: the event-sourced repositories, read-model tables and migrations, projections,
idempotency receipts, the identity-events tracking and the unit directory."""
