"""Commands, their handlers and the ports they need (unit of work, vault, unit directory)."""
