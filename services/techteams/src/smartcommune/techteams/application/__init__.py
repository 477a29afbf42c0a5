"""Application layer: commands, handlers and their routing table, ports, idempotency, queries."""
