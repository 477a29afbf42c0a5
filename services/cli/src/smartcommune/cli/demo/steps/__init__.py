"""The scenario's steps, one module per service: each calls that service's real API only."""
