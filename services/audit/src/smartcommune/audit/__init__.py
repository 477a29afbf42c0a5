"""Audit replay: rebuild and verify a commune's decisions from the Kafka topics alone."""
