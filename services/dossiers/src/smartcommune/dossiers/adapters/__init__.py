"""Adapters: the event-sourced repository, read-model tables, unit directory, import parsing."""
