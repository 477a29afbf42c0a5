"""The `smartcommune` command: one front door for operators, developers and auditors."""

from __future__ import annotations

import typer

from smartcommune.audit.entrypoints import cli as audit_cmd

from . import provision_keycloak, stack_cmd, topics_cmd
from .demo import command as demo_command

app = typer.Typer(
    name="smartcommune",
    help="Smart Commune Platform: local servers, topics, demo and audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(stack_cmd.app, name="stack")
app.add_typer(topics_cmd.app, name="topics")
app.add_typer(provision_keycloak.app, name="keycloak")
app.add_typer(audit_cmd.app, name="audit")
app.command(name="demo")(demo_command.demo)


if __name__ == "__main__":  # pragma: no cover
    app()
