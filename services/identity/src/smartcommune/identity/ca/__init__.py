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

from .authority import ca_chain, current_crl, initialise
from .config import CaSettings
from .context import CertificationAuthority
from .events import register_ca_events
from .grpc_signing import SigningServicer, start_signing_server
from .keys import CaKeyStore, CaSigner
from .migrations import migrate_ca
from .routes import ca_router
from .rules import SIGNING_RULES

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
