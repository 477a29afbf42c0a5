"""Adapters: the Kafka log, the scoring evaluator, the CA's signature verification."""
