"""Entry points: REST app, consumers, relay, migration command, server."""
