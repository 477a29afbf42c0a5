"""The process entry points: REST app, gRPC signing server, relay, migrations, API documents."""
