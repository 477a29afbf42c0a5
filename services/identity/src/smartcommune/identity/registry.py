"""The service's complete payload registry: residents and households (`domain.events`) plus the
CA's certificate events (`ca.events`), registered once, when this module is first imported.

Everything that builds an `EventStore` or documents the topic imports the registry from here, so
one store appends and reads every event type of `identity.events.v1`.
"""

from __future__ import annotations

from .ca.events import register_ca_events
from .domain.events import registry

register_ca_events(registry)

__all__ = ["registry"]
