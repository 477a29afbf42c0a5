"""The replay's result for people (console, HTML) and for machines (JSON)."""
