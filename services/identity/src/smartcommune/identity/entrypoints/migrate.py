"""`python -m smartcommune.identity.entrypoints.migrate [URL]`: the kit's tables, then the
service's vault and read model, then the CA's tables, to head (the Helm migration Job runs this).
No master key is needed: migrations never read personal data."""

from __future__ import annotations

import sys

from ..bootstrap import run_migrations
from ..settings import Settings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    settings = Settings()
    if args:
        settings = settings.model_copy(update={"database_url": args[0]})
    run_migrations(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
