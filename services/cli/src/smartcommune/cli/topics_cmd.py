"""`smartcommune topics ensure`: the platform's event topics and their dead-letter topics."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from kafka.admin import KafkaAdminClient
from rich.console import Console

from smartcommune.kit.topics import (
    DEFAULT_DLQ_PARTITIONS,
    DEFAULT_PARTITIONS,
    ensure_topics,
    event_topic_specs,
)

#: Every bounded context that publishes events (audit only reads).
CONTEXTS = ("dossiers", "identity", "payments", "techteams", "scoring")

app = typer.Typer(help="Kafka topics of the platform.")
console = Console(stderr=True)


def _default_bootstrap() -> str:
    return os.environ.get("SMARTCOMMUNE_KAFKA_BOOTSTRAP", "127.0.0.1:19092")


@app.command()
def ensure(
    bootstrap: Annotated[
        str, typer.Option(help="Kafka bootstrap servers.", default_factory=_default_bootstrap)
    ],
    partitions: Annotated[
        int, typer.Option(min=1, envvar="SMARTCOMMUNE_TOPIC_PARTITIONS")
    ] = DEFAULT_PARTITIONS,
    dlq_partitions: Annotated[
        int, typer.Option(min=1, envvar="SMARTCOMMUNE_DLQ_PARTITIONS")
    ] = DEFAULT_DLQ_PARTITIONS,
    replication: Annotated[int, typer.Option(min=1, envvar="SMARTCOMMUNE_REPLICATION")] = 1,
) -> None:
    """Create missing topics and restore their configs; idempotent. Exit 1 on a problem."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="smartcommune-topics")
    try:
        specs = event_topic_specs(
            CONTEXTS, partitions=partitions, dlq_partitions=dlq_partitions, replication=replication
        )
        report = ensure_topics(admin, specs)
    finally:
        admin.close()
    for name in report.created:
        console.print(f"[green]+[/] created {name}")
    for name in report.reconfigured:
        console.print(f"[yellow]~[/] restored configs of {name}")
    for name in report.unchanged:
        console.print(f"[dim]=[/] {name} as expected")
    for problem in report.problems:
        console.print(f"[red]✗[/] {problem}")
    if not report.ok:
        raise typer.Exit(1)
