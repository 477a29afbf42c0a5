"""A benchmark's result: rows of named figures, printed as a table and saved as JSON."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass
class Report:
    name: str
    columns: list[str]
    rows: list[list[str | float | int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *values: str | float | int) -> None:
        self.rows.append(list(values))

    def show(self, console: Console) -> None:
        table = Table(title=self.name)
        for column in self.columns:
            table.add_column(column)
        for row in self.rows:
            table.add_row(*(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row))
        console.print(table)
        for note in self.notes:
            console.print(f"  [dim]{note}")

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name.lower().replace(' ', '-')}.json"
        payload = {
            **asdict(self),
            "measured_at": datetime.now(UTC).isoformat(),
            "machine": {"python": platform.python_version(), "cpus": _cpus()},
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
        return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))
