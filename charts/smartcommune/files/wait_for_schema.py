"""Wait until a service's database schema is at the head its image knows, then exit 0.

Run by the `wait-for-schema` init container of every platform pod that touches a database
(mounted from a ConfigMap; it runs on the service's own image, which has SQLAlchemy and Alembic):

    python wait_for_schema.py --url-env=SMARTCOMMUNE_DOSSIERS_DATABASE_URL --timeout=600 \
        --history=smartcommune.kit.migrations:kit_alembic_version \
        --history=smartcommune.dossiers.adapters.migrations:dossiers_alembic_version

Each `--history` names a migration package (an Alembic script directory) and its version table.
The heads come from the image's own scripts, the current revisions from the database, so a pod
of version N+1 waits for the migration Job of N+1 rather than starting on N's schema. Exit 1 on
timeout (the pod restarts and waits again), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def heads_of(module: str) -> set[str]:
    """The head revisions of the Alembic script directory that is the package `module`."""
    from alembic.script import ScriptDirectory

    package = importlib.import_module(module)
    location = Path(package.__file__ or "").parent
    return set(ScriptDirectory(str(location)).get_heads())


def current_of(url: str, table: str) -> set[str]:
    """The revisions recorded in `table` ({} when the table does not exist yet)."""
    from sqlalchemy import create_engine, inspect, text

    if not _TABLE.match(table):
        raise ValueError(f"not a table name: {table!r}")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(table):
                return set()
            rows = connection.execute(text(f"SELECT version_num FROM {table}"))  # noqa: S608
            return {str(row[0]) for row in rows}
    finally:
        engine.dispose()


def pending(url: str, histories: Sequence[tuple[str, str]]) -> list[str]:
    """One line per history that is not at head; empty when the schema is ready."""
    behind = []
    for module, table in histories:
        heads, current = heads_of(module), current_of(url, table)
        if current != heads:
            behind.append(f"{table}: at {sorted(current) or 'nothing'}, head {sorted(heads)}")
    return behind


def _history(value: str) -> tuple[str, str]:
    module, sep, table = value.partition(":")
    if not sep or not module or not _TABLE.match(table):
        raise argparse.ArgumentTypeError(f"expected MODULE:TABLE, got {value!r}")
    return module, table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url-env", required=True, help="variable holding the database URL")
    parser.add_argument("--history", type=_history, action="append", required=True)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--interval", type=float, default=3.0)
    args = parser.parse_args(argv)
    url = os.environ.get(args.url_env)
    if not url:
        print(f"wait-for-schema: {args.url_env} is not set", file=sys.stderr)
        return 2
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            behind = pending(url, args.history)
        except Exception as exc:  # the database may not answer yet: keep waiting
            behind = [f"database not reachable: {type(exc).__name__}: {exc}"]
        if not behind:
            print("wait-for-schema: schema at head", flush=True)
            return 0
        if time.monotonic() >= deadline:
            print("wait-for-schema: gave up: " + "; ".join(behind), file=sys.stderr)
            return 1
        print("wait-for-schema: waiting: " + "; ".join(behind), flush=True)
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
