"""The identity service's certification authority and signing service (issue 5).

Wiring, for the service's bootstrap::

    register_ca_events(registry)                 # before EventStore(registry)
    migrate_ca(settings.database_url)            # kit tables, then the CA's
    ca = CertificationAuthority.build(engine, EventStore(registry), CaSettings())
    initialise(ca)                               # creates root + issuing CA once
    app.include_router(ca_router(ca, principal_dependency(verifier)))
    serving = start_signing_server(ca, verifier, host=..., port=...)

Each operation is a function in its own module (`issuing`, `residents`, `revocation`,
`external`, `signing`, `verification`, `authority`) taking the `CertificationAuthority` first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .authority import ca_chain, current_crl, initialise
    from .config import CaSettings
    from .context import CertificationAuthority
    from .events import register_ca_events
    from .grpc_signing import SigningServicer, start_signing_server
    from .keys import CaKeyStore, CaSigner
    from .migrations import migrate_ca
    from .routes import ca_router
    from .rules import SIGNING_RULES

#: Where each re-exported name lives. Loaded on first use (PEP 562), so that importing one light
#: module of the package (`ca.cms`, `ca.chains`, `ca.der`: what the audit replay verifies with)
#: does not pull in gRPC, FastAPI, Alembic and the store.
_EXPORTS = {
    "ca_chain": "authority",
    "current_crl": "authority",
    "initialise": "authority",
    "CaSettings": "config",
    "CertificationAuthority": "context",
    "register_ca_events": "events",
    "SigningServicer": "grpc_signing",
    "start_signing_server": "grpc_signing",
    "CaKeyStore": "keys",
    "CaSigner": "keys",
    "migrate_ca": "migrations",
    "ca_router": "routes",
    "SIGNING_RULES": "rules",
}


if not TYPE_CHECKING:  # the type checker sees the imports above, so it still flags a typo

    def __getattr__(name: str) -> Any:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "SIGNING_RULES",
    "CaKeyStore",
    "CaSettings",
    "CaSigner",
    "CertificationAuthority",
    "SigningServicer",
    "ca_chain",
    "ca_router",
    "current_crl",
    "initialise",
    "migrate_ca",
    "register_ca_events",
    "start_signing_server",
]
