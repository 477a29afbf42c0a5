"""The scoring domain: units, criteria sets, facts folded from events, metrics, scorecards,
recognition — pure code, no framework, no I/O beyond reading the repository's data files."""
