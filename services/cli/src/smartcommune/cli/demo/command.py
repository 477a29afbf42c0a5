"""`smartcommune demo`: start what is needed, play the scenario, print the outcome, clean up."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from smartcommune.kit.auth import (
    AUDITOR,
    COMMUNE_OFFICER,
    DISTRICT_OFFICER,
    PROVINCE_ADMIN,
    TECHTEAM_MEMBER,
)

from ..stack import LocalServer, ServerError, StackConfig, make_server
from ..testing.endpoints import KeycloakEndpoint
from . import scenario

console = Console()
PLATFORM_ROLES = frozenset(
    {PROVINCE_ADMIN, DISTRICT_OFFICER, COMMUNE_OFFICER, TECHTEAM_MEMBER, AUDITOR}
)


def _start(names: tuple[str, ...], started: list[LocalServer]) -> dict[str, LocalServer]:
    servers: dict[str, LocalServer] = {}
    config = StackConfig.from_env()
    for name in names:
        server = make_server(name, config)
        with console.status(f"{name}: starting") as status:
            if server.start(lambda msg: status.update(msg), timeout=300):
                started.append(server)
        console.print(f"[green]✓[/] {name} at {server.address}")
        servers[name] = server
    return servers


def _show(outcome: scenario.Outcome, took: float) -> None:
    officials = Table(title="Officials signed in through Keycloak (tokens verified via JWKS)")
    for column in ("user", "roles", "administrative unit"):
        officials.add_column(column)
    for principal in outcome.officials:
        roles = ", ".join(sorted(principal.roles & PLATFORM_ROLES))
        officials.add_row(principal.username, roles, principal.admin_unit)
    console.print(officials)

    facts = Table(
        title=f"Facts recorded for commune {scenario.COMMUNE_CODE} ({scenario.COMMUNE_PATH})"
    )
    for column in ("chain seq", "village", "event type", "hash"):
        facts.add_column(column)
    for event in outcome.appended:
        facts.add_row(
            str(event.chain_seq), event.unit_path.rsplit("/", 1)[-1], event.event_type,
            event.hash[:16] + "…",
        )  # fmt: skip
    console.print(facts)

    assert outcome.chain is not None
    verdict = "[green]VERIFIED" if outcome.verified else "[red]NOT VERIFIED"
    problem, frontier = outcome.chain.problem, outcome.chain.frontier
    console.print(
        f"Relayed to Kafka topic [bold]{scenario.DEMO_TOPIC}[/]: {outcome.relayed} events; "
        f"auditor read back {outcome.replayed}; chain {verdict}[/] "
        f"(frontier seq {frontier.chain_seq}, hash {frontier.hash[:16]}…)"
        + (f" — {problem}" if problem else "")
    )
    console.print(f"Event store: {outcome.database}   ({took:.1f}s)")
    console.print(
        "[dim]Domain services (dossiers, identity, payments, tech teams, scoring, audit) join this "
        "scenario as they are built; see README.md."
    )


def demo(
    keep_running: Annotated[
        bool, typer.Option(help="Leave the servers running afterwards, with the data.")
    ] = False,
) -> None:
    """Run the platform's main job end to end and print the outcome."""
    started: list[LocalServer] = []
    began = time.monotonic()
    try:
        servers = _start(("kafka", "keycloak"), started)
        keycloak = KeycloakEndpoint.from_connection_env(servers["keycloak"].connection_env())
        workdir = StackConfig.from_env().run_dir / "demo"
        workdir.mkdir(parents=True, exist_ok=True)
        outcome = scenario.run(scenario.Servers(servers["kafka"].address, keycloak), Path(workdir))
        _show(outcome, time.monotonic() - began)
    except ServerError as exc:
        console.print(f"[red]✗ {exc}")
        raise typer.Exit(2) from exc
    finally:
        if keep_running:
            console.print("Servers left running; stop them with: smartcommune stack down")
        else:
            for server in reversed(started):
                server.stop()
                console.print(f"■ stopped {server.name}")
    if not outcome.verified:
        raise typer.Exit(1)
