"""Entry points: the REST app, the relay process, the migration command, the server."""
