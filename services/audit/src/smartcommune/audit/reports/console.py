"""What `audit replay` prints: chains, a timeline, one verdict per decision, the exit code."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..application.replay import AuditResult
from ..domain.outcome import MEANING

#: The timeline shows decisions, certificates and findings in full, chains by their ends.
TIMELINE_ROWS = 200


def show(result: AuditResult, console: Console) -> None:
    title = f"Chains of commune {result.commune_code}"
    if result.related_communes:
        title += f" (and of {', '.join(result.related_communes)}: merged into it or in a frontier)"
    chains = Table(title=title)
    for column in ("chain", "verified", "frontier", "redeliveries", "verdict"):
        chains.add_column(column)
    for c in result.chains:
        verdict = "[green]ok" if c.finding is None else f"[red]{c.finding.describe()}"
        chains.add_row(
            str(c.chain), str(c.verified), f"#{c.last_seq}", str(c.redeliveries), verdict
        )
    console.print(chains)

    timeline = Table(title="Timeline")
    for column in ("when (UTC)", "what", "", "where"):
        timeline.add_column(column)
    for entry in result.timeline[:TIMELINE_ROWS]:
        style = "" if entry.ok else "red"
        timeline.add_row(
            entry.at.isoformat(timespec="seconds"), entry.kind, entry.text, entry.where, style=style
        )
    console.print(timeline)

    for finding in result.findings:
        # One unwrapped line per finding, so the record's address survives copy and grep.
        console.print(
            f"[red]✘ tampering:[/] {escape(finding.describe())}", soft_wrap=True, highlight=False
        )
    for decision in result.decisions:
        failure = decision.first_failure()
        if failure is None:
            console.print(
                f"[green]✔ {decision.decision_number}[/] verified ({decision.event_type})"
            )
        else:
            console.print(
                f"[red]✘ {decision.decision_number}[/] {failure.name}: {failure.detail} "
                f"(exit {int(failure.code)})"
            )
    if not result.chains:
        console.print(f"[yellow]No event of commune {result.commune_code} in the topics read.")
    if not result.decisions:
        console.print("[dim]No recognition or revocation decision in the replayed log.")
    if result.evaluator_note:
        console.print(f"[yellow]{result.evaluator_note}")
    rate = result.scanned / result.seconds if result.seconds else 0.0
    console.print(
        f"{result.records:,} records judged, {result.scanned:,} offsets read in "
        f"{len(result.partitions)} partitions, {result.seconds:.1f} s ({rate:,.0f} offsets/s)"
    )
    code = result.exit_code
    colour = "green" if code == 0 else "red"
    console.print(f"[{colour}]exit {int(code)} — {code.name.lower()}: {MEANING[code]}")
