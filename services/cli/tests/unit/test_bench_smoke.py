"""The event-store benchmark's machinery, run tiny on SQLite: it writes what it claims.

No timing is asserted (a shared 2-core machine makes that flaky); what is checked is that the
code `make bench` runs appends through the real store and the baseline recorder, that both
sides end up with the same number of events, and that every chain it built verifies.
"""

from pathlib import Path

from smartcommune.cli.bench.event_store import (
    Written,
    check_written,
    measure,
    run_target,
    sqlite_target,
)
from smartcommune.cli.bench.report import Report


def test_measure_appends_the_same_events_on_both_sides(tmp_path: Path) -> None:
    with sqlite_target(tmp_path / "bench.db") as target:
        single = measure(target, batch=1, events_total=20, warmup=2, rounds=2)
        batched = measure(target, batch=10, events_total=20, warmup=10, rounds=2)
        written = check_written(target)

    assert (single.batch, single.events) == (1, 20)
    assert (batched.batch, batched.events) == (10, 20)
    assert single.ours_seconds > 0
    assert single.theirs_seconds > 0
    # warm-ups are written too: 2 + 20 single events, 10 + 20 in batches of ten
    assert written == Written(ours=52, chains_valid=True, theirs=52)


def test_run_target_reports_one_row_per_batch_size(tmp_path: Path) -> None:
    report = Report("smoke", ["database", "batch", "events", "ours", "theirs", "ratio"])
    with sqlite_target(tmp_path / "bench.db") as target:
        run_target(target, report, {1: 20, 10: 20}, warmups={1: 2, 10: 10})

    assert [row[:3] for row in report.rows] == [
        ["SQLite (file, WAL)", 1, 20],
        ["SQLite (file, WAL)", 10, 20],
    ]
    assert all(isinstance(row[5], float) and row[5] > 0 for row in report.rows)
    assert "all valid" in report.notes[0]
    assert "eventsourcing rows: 52" in report.notes[0]
