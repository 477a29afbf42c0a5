"""Run every benchmark (or those named on the command line) and save their reports."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from rich.console import Console

BENCHMARKS = (
    "stack_start",
    "event_store",
    "relay",
    "signing",
    "dossiers_api",
    "payments_intake",
    "audit_replay",
    "scoring_scorecard",
)


def main(argv: list[str]) -> int:
    console = Console()
    chosen = argv or list(BENCHMARKS)
    out = Path("out/bench")
    for name in chosen:
        module = importlib.import_module(f"smartcommune.cli.bench.{name}")
        console.rule(name)
        report = module.run()
        report.show(console)
        console.print(f"  saved {report.save(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
