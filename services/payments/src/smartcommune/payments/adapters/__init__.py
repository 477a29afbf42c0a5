"""Adapters: event-sourced repositories, read-model tables and migrations, the account vault."""
