"""Dispatches a command to its handler from the routing table, with the injected dependencies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .handlers import COMMAND_HANDLERS, Handler
from .ports import Caller, Dependencies


class MessageBus:
    def __init__(
        self, deps: Dependencies, handlers: Mapping[type[Any], Handler] = COMMAND_HANDLERS
    ) -> None:
        self.deps, self.handlers = deps, handlers

    def handle(self, command: object, caller: Caller, target_id: str | None = None) -> Any:
        """Run the command's handler; refusals are raised (domain errors, `Forbidden`, …)."""
        return self.handlers[type(command)](command, caller, self.deps, target_id)
