"""Commands, handlers and their routing table, ports, the statement import, adoption figures."""
