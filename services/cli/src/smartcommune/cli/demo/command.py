"""`smartcommune demo`: start what is needed, play the scenario, print the outcome, clean up."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer
from rich.console import Console

from ..stack import ServerError, StackConfig
from . import report, scenario
from .api import DemoError
from .stack import DemoStack

#: wide enough for the tables when the output is a file or a pipe (rich assumes 80 there)
console = Console(width=None if sys.stdout.isatty() else 100)


def demo(
    keep_running: Annotated[
        bool,
        typer.Option(help="Leave the servers and services running afterwards, with the data."),
    ] = False,
) -> None:
    """A commune's journey to "5 villages certified smart", then audited — end to end.

    Starts Kafka and Keycloak (unless running) and every built service as its own processes,
    plays a year of Cao Phong (08920) through the services' REST APIs as officials who logged
    in through Keycloak, has the district officer sign the recognition decision, replays the
    commune from Kafka as the auditor, prints the outcome and stops what it started. Every run
    starts from fresh data: new service databases and a new topic prefix. Exit 0 when the
    decision covers exactly the qualifying villages and the replay verifies it.
    """
    began = time.monotonic()
    config = StackConfig.from_env()
    status = console.status("starting")
    stack = DemoStack(config, progress=lambda msg: status.update(msg))
    outcome: scenario.Outcome | None = None
    failure: str | None = None
    status.start()
    try:
        stack.open()
        play = scenario.Scenario(stack.endpoints(), progress=lambda msg: status.update(msg))
        outcome = play.outcome
        try:
            play.run()
        finally:
            play.close()
    except (ServerError, DemoError) as exc:
        failure = str(exc)
    finally:
        status.stop()
        took = time.monotonic() - began
        if outcome is not None:
            report.show(console, outcome, stack, took)
            report.next_steps(console, outcome, stack, running=keep_running)
        if failure:
            console.print(f"[red]✗ {failure}")
        stopped = stack.close(keep_running)
        if keep_running:
            report.explore(console, stack, outcome)
        elif stopped:
            console.print(f"[dim]stopped what the demo started: {', '.join(stopped)}")
    if failure or outcome is None:
        raise typer.Exit(2)
    if not outcome.verified:
        raise typer.Exit(1)
