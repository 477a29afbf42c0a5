"""REST app, gRPC server, consumers, relay and migrations of the scoring service."""
