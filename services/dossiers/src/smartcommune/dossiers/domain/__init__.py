"""The dossier domain: the aggregate, its lifecycle and its events. No framework, no I/O."""
