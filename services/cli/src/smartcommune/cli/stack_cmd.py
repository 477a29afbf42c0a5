"""`smartcommune stack`: start, stop and inspect the local Kafka, Keycloak and PostgreSQL."""

from __future__ import annotations

import shlex
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .stack import SERVER_NAMES, ServerError, StackConfig, make_servers

app = typer.Typer(help="Local servers run as plain processes: Kafka (KRaft), Keycloak, PostgreSQL.")
console = Console(stderr=True)

Names = Annotated[
    list[str] | None,
    typer.Argument(help=f"Servers to act on (default: all of {', '.join(SERVER_NAMES)})."),
]


def _selected(names: list[str] | None) -> tuple[str, ...]:
    chosen = tuple(names or SERVER_NAMES)
    unknown = [n for n in chosen if n not in SERVER_NAMES]
    if unknown:
        raise typer.BadParameter(f"unknown server(s): {', '.join(unknown)}")
    return chosen


@app.command()
def fetch(names: Names = None) -> None:
    """Download the servers' artefacts into the cache (Maven Central), without starting them."""
    config = StackConfig.from_env()
    for server in make_servers(config, _selected(names)):
        started = time.monotonic()
        with console.status(f"fetching {server.name}") as status:
            try:
                server.fetch(lambda msg: status.update(msg))
            except ServerError as exc:
                console.print(f"[red]✗ {exc}")
                raise typer.Exit(1) from exc
        console.print(f"[green]✓[/] {server.name} ready ({time.monotonic() - started:.1f}s)")


@app.command()
def up(
    names: Names = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each server.")] = 300.0,
) -> None:
    """Start the servers (idempotent) and wait until each answers its own protocol."""
    config = StackConfig.from_env()
    failed = False
    for server in make_servers(config, _selected(names)):
        started = time.monotonic()
        with console.status(f"{server.name}: starting") as status:
            try:
                fresh = server.start(lambda msg: status.update(msg), timeout=timeout)
            except ServerError as exc:
                console.print(f"[red]✗ {exc}")
                failed = True
                continue
        took = time.monotonic() - started
        verb = f"started in {took:.1f}s" if fresh else "already running"
        console.print(f"[green]✓[/] {server.name} {verb} at {server.address}")
    if failed:
        raise typer.Exit(1)


@app.command()
def down(names: Names = None) -> None:
    """Stop the servers this run folder started (never anything else)."""
    config = StackConfig.from_env()
    for server in reversed(make_servers(config, _selected(names))):
        stopped = server.stop()
        verdict = "stopped" if stopped else "was not running"
        console.print(f"{'■' if stopped else '·'} {server.name} {verdict}")


@app.command()
def status() -> None:
    """Show each server's state, health and address. Exit 3 when any is not healthy."""
    config = StackConfig.from_env()
    table = Table(title=f"smartcommune stack ({config.run_dir})")
    for column in ("server", "state", "address", "health"):
        table.add_column(column)
    all_ok = True
    for server in make_servers(config):
        state, health = server.status()
        all_ok &= health.ok
        colour = "green" if health.ok else "red"
        table.add_row(server.name, f"[{colour}]{state}", server.address, health.detail)
    Console().print(table)
    if not all_ok:
        raise typer.Exit(3)


@app.command()
def env() -> None:
    """Print the connection settings as shell exports: eval "$(smartcommune stack env)"."""
    config = StackConfig.from_env()
    for server in make_servers(config):
        for key, value in server.connection_env().items():
            typer.echo(f"export {key}={shlex.quote(value)}")
