"""Adapters: the inbox of consumed events, migrations, the signing client, document rendering."""
