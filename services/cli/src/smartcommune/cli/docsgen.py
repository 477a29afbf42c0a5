"""`make docs`: each service's OpenAPI and AsyncAPI documents, generated from its code.

A service declares an entry point in the group `smartcommune.api_documents` naming a function
that returns `{"openapi": {...}, "asyncapi": {...}}` built from its FastAPI and FastStream apps.
This writes them to `docs/api/<service>.<kind>.json`; `--check` regenerates in memory and fails,
naming the files, when the committed documents are stale — `make test` runs the check, so the
published contracts can never drift from the code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

GROUP = "smartcommune.api_documents"
Documents = dict[str, dict[str, Any]]


def render(document: dict[str, Any]) -> str:
    """Stable text: sorted keys and a final newline, so diffs show only real changes."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def collect() -> dict[Path, str]:
    """Every document every installed service declares, by its path under docs/api/."""
    files: dict[Path, str] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        build: Callable[[], Documents] = point.load()
        for kind, document in sorted(build().items()):
            files[Path(f"{point.name}.{kind}.json")] = render(document)
    return files


def stale(folder: Path, files: dict[Path, str]) -> list[str]:
    """Files missing, different, or no longer generated."""
    problems = [
        f"{name} is out of date" if (folder / name).exists() else f"{name} is missing"
        for name, text in files.items()
        if not (folder / name).exists() or (folder / name).read_text() != text
    ]
    existing = {p.relative_to(folder) for p in folder.glob("*.json")} if folder.exists() else set()
    problems += [f"{name} is no longer generated" for name in sorted(existing - files.keys())]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/api is stale")
    parser.add_argument("--out", type=Path, default=Path("docs/api"))
    args = parser.parse_args(argv)
    files = collect()
    if args.check:
        problems = stale(args.out, files)
        for problem in problems:
            print(f"docs/api: {problem} — run `make docs`", file=sys.stderr)
        return 1 if problems else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for problem in stale(args.out, files):
        if problem.endswith("no longer generated"):
            (args.out / problem.split(" ")[0]).unlink()
    for path, text in files.items():
        (args.out / path).write_text(text)
    print(f"wrote {len(files)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
