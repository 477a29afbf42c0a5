"""`smartcommune audit …`: replay a commune's log, or write a synthetic province onto Kafka.

The replay's modules (the CA's crypto, SQLAlchemy, kafka-python) are imported inside the
commands: this module is imported by every `smartcommune` invocation to register the group,
and `smartcommune stack up` should not pay seconds of imports it never uses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from ..domain.outcome import ExitCode, exit_codes_help

if TYPE_CHECKING:
    from ..application.evaluation import DecisionEvaluator

VIETNAM = timezone(timedelta(hours=7), "ICT")
app = typer.Typer(help="Audit: replay and verify a commune's history from Kafka alone.")
console = Console(stderr=True)


@app.callback()
def audit() -> None:
    """Audit: replay and verify a commune's history from Kafka alone."""


DEFAULT_BOOTSTRAP = "127.0.0.1:19092"


def parse_as_of(text: str) -> datetime:
    """A date means the end of that day in Vietnam; a timestamp needs its zone (or is UTC)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.combine(day, time(23, 59, 59, 999_000), VIETNAM)


def _evaluator(units: Path | None, criteria: Path | None) -> tuple[DecisionEvaluator | None, str]:
    from ..application.evaluation import EvaluatorUnavailableError, load_evaluator

    try:
        return load_evaluator(units, criteria), ""
    except EvaluatorUnavailableError as exc:
        return None, f"decisions cannot be re-evaluated: {exc}"


REPLAY_HELP = (
    "Replay every *.events.v1 topic for one commune and verify it.\n\n"
    "Reads only the partitions holding the commune's key (and identity's no-commune chain for "
    "CA certificates, and the keys of the communes merged into it or named by a decision's "
    "evidence frontier), verifies every (service, commune) hash chain, re-evaluates every "
    "recognition and revocation decision at its evidence frontier with scoring's own code, and "
    "verifies each decision's CMS signature, its certificate chain to --ca-root, and that the "
    "certificate was issued by the platform CA and unrevoked at signing time. "
    "See docs/audit.md.\n\n"
    f"Exit codes (the most serious applies):\n\n{exit_codes_help()}"
)


@app.command(help=REPLAY_HELP)
def replay(
    commune: Annotated[str, typer.Option(help="Commune code (5 digits).")],
    as_of: Annotated[
        str | None,
        typer.Option(help="Stop at this date (end of day, Vietnam time) or RFC 3339 time."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report here.")
    ] = None,
    bootstrap: Annotated[
        str, typer.Option(help="Kafka bootstrap servers.", envvar="SMARTCOMMUNE_KAFKA_BOOTSTRAP")
    ] = DEFAULT_BOOTSTRAP,
    ca_root: Annotated[
        Path | None,
        typer.Option(
            help="The provincial root CA certificate (PEM or DER), obtained out of band.",
            envvar="SMARTCOMMUNE_AUDIT_CA_ROOT",
        ),
    ] = None,
    crl: Annotated[
        Path | None, typer.Option(help="A CRL of the issuing CA (identity's GET /ca/crl).")
    ] = None,
    topic_prefix: Annotated[
        str, typer.Option(help="Only topics named <prefix><context>.events.v1.")
    ] = "",
    units_file: Annotated[
        Path | None, typer.Option(help="Admin-unit master data for the evaluator.")
    ] = None,
    criteria_dir: Annotated[
        Path | None, typer.Option(help="Criteria sets for the evaluator.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the broker.")] = 15.0,
    quiet: Annotated[bool, typer.Option(help="Only the final verdict line.")] = False,
) -> None:
    from ..adapters.certificates import load_crl, load_roots
    from ..adapters.kafka_log import InfrastructureError, KafkaLog
    from ..application import replay as replaying
    from ..application.evaluation import merged_into
    from ..reports import console as console_report
    from ..reports import html_report, json_report

    if not (len(commune) == 5 and commune.isdigit()):
        raise typer.BadParameter("a commune code is 5 digits", param_hint="--commune")
    try:
        moment = parse_as_of(as_of) if as_of else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as-of") from exc
    roots = load_roots(ca_root) if ca_root else []
    revocations = load_crl(crl) if crl else None
    evaluator, unavailable = _evaluator(units_file, criteria_dir)
    merged = merged_into(commune, units_file)
    with Progress(
        TextColumn("[bold]reading[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task: TaskID = bar.add_task(f"commune {commune}", total=None)
        progress = replaying.Progress(
            start=lambda total: bar.update(task, total=total),
            advance=lambda n: bar.advance(task, n),
            finish=lambda: bar.update(task, completed=bar.tasks[0].total or 0),
        )
        try:
            with KafkaLog(bootstrap, topic_prefix=topic_prefix, timeout=timeout) as log:
                result = replaying.replay(
                    log,
                    commune,
                    roots=roots,
                    crl=revocations,
                    evaluator=evaluator,
                    evaluator_unavailable=unavailable,
                    as_of=moment,
                    progress=progress,
                    merged=merged,
                )
        except InfrastructureError as exc:
            console.print(f"[red]infrastructure error:[/] {exc}")
            raise typer.Exit(int(ExitCode.INFRASTRUCTURE)) from exc
    if quiet:
        code = result.exit_code
        console.print(f"exit {int(code)} — {code.name.lower()}")
    else:
        console_report.show(result, console)
    if report is not None:
        console.print(f"HTML report: {html_report.write(result, report)}")
    if json_path is not None:
        console.print(f"JSON report: {json_report.write(result, json_path)}")
    raise typer.Exit(int(result.exit_code))


@app.command()
def synth(
    province: Annotated[str, typer.Option(help="Province code (2 characters).")] = "26",
    communes: Annotated[int, typer.Option(min=1, help="How many communes.")] = 10,
    villages: Annotated[int, typer.Option(min=1, max=99, help="Villages per commune.")] = 6,
    years: Annotated[int, typer.Option(min=1, max=20, help="Years of history.")] = 3,
    households: Annotated[int, typer.Option(min=1, help="Households per village.")] = 20,
    first_commune: Annotated[int, typer.Option(help="Code of the first commune.")] = 90000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same history).")] = 7,
    bootstrap: Annotated[
        str, typer.Option(help="Kafka bootstrap servers.", envvar="SMARTCOMMUNE_KAFKA_BOOTSTRAP")
    ] = DEFAULT_BOOTSTRAP,
    topic_prefix: Annotated[str, typer.Option(help="Publish to <prefix><service>.events.v1.")] = "",
    partitions: Annotated[int, typer.Option(min=1, help="Partitions of topics it creates.")] = 64,
    store_dir: Annotated[
        Path, typer.Option(help="Where the per-service SQLite event stores are written.")
    ] = Path("out/synthetic"),
) -> None:
    """Write a synthetic province's history through the kit's event store and relay onto Kafka.

    Every event is appended with the kit's EventStore (so the chains are real) into one SQLite
    store per service under --store-dir, then published with the kit's OutboxRelay.
    """
    from ..synthetic.history import commune_history
    from ..synthetic.province import make_province
    from ..synthetic.writer import province_writer

    layout = make_province(
        province, communes=communes, villages=villages, first_commune=first_commune
    )
    folder = store_dir / f"{province}-{first_commune}-{communes}x{villages}-{years}y"
    if folder.exists() and any(folder.iterdir()):
        raise typer.BadParameter(
            f"{folder} already holds this province's stores (its events were published); "
            "delete it or pick another --store-dir or --first-commune",
            param_hint="--store-dir",
        )
    totals: dict[str, int] = {}
    with province_writer(bootstrap, folder, prefix=topic_prefix, partitions=partitions) as writer:
        with Progress(
            TextColumn("[bold]appending[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("communes", total=len(layout.communes))
            for commune in layout.communes:
                facts = commune_history(commune, years=years, households=households, seed=seed)
                for service, count in writer.append(facts).items():
                    totals[service] = totals.get(service, 0) + count
                bar.advance(task)
        with console.status("publishing with the kit's relay"):
            published = writer.publish()
    console.print(f"appended {totals}; published {published}; stores in {folder}")
    codes = [c.code for c in layout.communes]
    console.print(
        f"communes {codes[0]}…{codes[-1]}; try: smartcommune audit replay --commune {codes[0]}"
    )
