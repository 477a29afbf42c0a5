"""`python -m smartcommune.scoring.entrypoints.migrate [URL]`: the kit's tables, then the
service's inbox, to head (the Helm migration Job runs this)."""

from __future__ import annotations

import sys

from ..adapters.migrations import migrate
from ..settings import Settings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    migrate(args[0] if args else Settings().database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
