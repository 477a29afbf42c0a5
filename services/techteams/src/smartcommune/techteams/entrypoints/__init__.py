"""Entry points: the REST app, its rules and problems, the relay, the identity consumer,
migrations, and the published API documents."""
