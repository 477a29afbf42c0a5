"""`smartcommune stack`: start, stop and inspect the local servers and the platform's services.

`stack up` starts the servers (Kafka, Keycloak, PostgreSQL) — what the test fixtures and
`make test` rely on, and fast. `stack up --services` also starts every service that is built
(HTTP server, outbox relay, consumers — separate processes on the embedded defaults), after the
servers, health-waited on each service's `/readyz`. `stack down` stops services and servers
alike; `stack status` lists both.
"""

from __future__ import annotations

import shlex
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .stack import SERVER_NAMES, ServerError, StackConfig, make_servers
from .stack.platform import (
    ensure_run_topics,
    external_servers,
    recorded_prefix,
    servers_env,
    start_services,
    stop_services,
)
from .stack.service_process import ServiceProcess, missing_processes
from .stack.services import SERVICE_NAMES, SERVICES, ServiceRuntime, available_services

app = typer.Typer(help="Local servers run as plain processes: Kafka (KRaft), Keycloak, PostgreSQL.")
console = Console(stderr=True)

Names = Annotated[
    list[str] | None,
    typer.Argument(help=f"Servers to act on (default: all of {', '.join(SERVER_NAMES)})."),
]
AnyNames = Annotated[
    list[str] | None,
    typer.Argument(
        help=f"Servers or services to act on (default: every one; servers: "
        f"{', '.join(SERVER_NAMES)}; services: {', '.join(SERVICE_NAMES)})."
    ),
]


def _selected(names: list[str] | None) -> tuple[str, ...]:
    chosen = tuple(names or SERVER_NAMES)
    unknown = [n for n in chosen if n not in SERVER_NAMES]
    if unknown:
        raise typer.BadParameter(f"unknown server(s): {', '.join(unknown)}")
    return chosen


def _split(names: list[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Servers and services named on the command line (none named: all of both)."""
    if not names:
        return SERVER_NAMES, SERVICE_NAMES
    unknown = [n for n in names if n not in SERVER_NAMES and n not in SERVICE_NAMES]
    if unknown:
        raise typer.BadParameter(f"unknown server(s) or service(s): {', '.join(unknown)}")
    return (
        tuple(n for n in SERVER_NAMES if n in names),
        tuple(n for n in SERVICE_NAMES if n in names),
    )


def _runtime(config: StackConfig, with_servers_env: bool = True) -> ServiceRuntime:
    env = servers_env(config) if with_servers_env else {}
    prefix = "" if with_servers_env else recorded_prefix(config.run_dir)
    return ServiceRuntime(
        run_dir=config.run_dir, servers_env=env, host=config.host, topic_prefix=prefix
    )


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
    services: Annotated[
        bool,
        typer.Option(
            "--services/--no-services",
            help="Also start every built service (HTTP server, relay, consumers) on the "
            "embedded defaults, after Kafka and Keycloak.",
        ),
    ] = False,
) -> None:
    """Start the servers (idempotent) and wait until each answers its own protocol."""
    config = StackConfig.from_env()
    failed = False
    selected = _selected(names)
    if services:  # they need Kafka and Keycloak: ours, unless the environment names others
        selected = tuple(n for n in SERVER_NAMES if n in selected or n in ("kafka", "keycloak"))
        external = external_servers(config)
        for name, address in external.items():
            console.print(f"[dim]· {name}: using {address} from the environment")
        selected = tuple(n for n in selected if n not in external)
    for server in make_servers(config, selected):
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
    if services and not _up_services(config, timeout):
        raise typer.Exit(1)


def _up_services(config: StackConfig, timeout: float) -> bool:
    runtime = _runtime(config)
    specs = available_services()
    for spec in SERVICES:
        if spec not in specs:
            console.print(f"[dim]· {spec.name} not built yet (no {spec.processes[0].module})")
    ensure_run_topics(runtime.servers_env["SMARTCOMMUNE_KAFKA_BOOTSTRAP"], runtime)
    with console.status("services: starting") as status:
        report = start_services(runtime, specs, lambda msg: status.update(msg), timeout)
    for proc in report.started + report.already:
        verb = "started" if proc in report.started else "already running"
        console.print(f"[green]✓[/] {proc.name} {verb}: {proc.address}")
    console.print(f"[dim]logs and PIDs: {runtime.run_dir / 'services'}/<service>/")
    for spec in specs:
        if missing := missing_processes(spec):
            console.print(f"[yellow]![/] {spec.name}: no {', '.join(missing)} process yet")
    for name, reason in report.failed.items():
        console.print(f"[red]✗ {name}: {reason}")
    return report.ok


@app.command()
def down(names: AnyNames = None) -> None:
    """Stop the services and servers this run folder started (never anything else)."""
    config = StackConfig.from_env()
    server_names, service_names = _split(names)
    runtime = _runtime(config, with_servers_env=False)
    specs = [spec for spec in SERVICES if spec.name in service_names]
    for name in stop_services(runtime, specs):
        console.print(f"■ {name} stopped")
    for server in reversed(make_servers(config, server_names)):
        stopped = server.stop()
        verdict = "stopped" if stopped else "was not running"
        console.print(f"{'■' if stopped else '·'} {server.name} {verdict}")


@app.command()
def status() -> None:
    """Show each server's and service process's state, health and address.

    Exit 3 when a server is not healthy, or a service process that was started is not.
    """
    config = StackConfig.from_env()
    table = Table(title=f"smartcommune stack ({config.run_dir})")
    for column in ("server / service", "state", "address", "health"):
        table.add_column(column)
    all_ok = True
    for server in make_servers(config):
        state, health = server.status()
        all_ok &= health.ok
        colour = "green" if health.ok else "red"
        table.add_row(server.name, f"[{colour}]{state}", server.address, health.detail)
    runtime = _runtime(config, with_servers_env=False)
    for spec in available_services():
        for process in spec.processes:
            proc = ServiceProcess(runtime, spec, process)
            state, health = proc.status()
            if state == "stopped":
                table.add_row(proc.name, "[dim]stopped", proc.address, "")
                continue
            all_ok &= health.ok
            colour = "green" if health.ok else "red"
            table.add_row(proc.name, f"[{colour}]{state}", proc.address, health.detail)
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
    runtime = _runtime(config, with_servers_env=False)
    for spec in available_services():
        api = ServiceProcess(runtime, spec, spec.processes[0])
        if api.running_pid() is not None:
            for key, value in api.connection_env().items():
                typer.echo(f"export {key}={shlex.quote(value)}")
