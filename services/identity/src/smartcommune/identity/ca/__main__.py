"""`python -m smartcommune.identity.ca init [--database-url URL]`: create the CA explicitly.

For a Helm Job or a first install, so the CA's birth is a deliberate, logged step rather than a
side effect of the first pod to start. Reads `SMARTCOMMUNE_IDENTITY_MASTER_KEY` and the other CA
settings from the environment; the database URL defaults to `SMARTCOMMUNE_DATABASE_URL`.
"""

from __future__ import annotations

import argparse
import os
import sys

from cryptography.hazmat.primitives.serialization import Encoding

from smartcommune.kit.events import PayloadRegistry
from smartcommune.kit.store import EventStore, make_engine

from . import CaSettings, CertificationAuthority, ca_chain, initialise, migrate_ca
from .context import fingerprint
from .events import register_ca_events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smartcommune.identity.ca")
    parser.add_argument("command", choices=["init"])
    parser.add_argument("--database-url", default=os.environ.get("SMARTCOMMUNE_DATABASE_URL"))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url or SMARTCOMMUNE_DATABASE_URL is required")
    settings = CaSettings()  # master_key comes from the environment
    migrate_ca(args.database_url)
    engine = make_engine(args.database_url)
    try:
        # The CA writes only its own events; the full identity registry is not needed here.
        store = EventStore(register_ca_events(PayloadRegistry("identity")))
        ca = CertificationAuthority.build(engine, store, settings)
        created = initialise(ca)
        issuing, root = ca_chain(ca)
    finally:
        engine.dispose()
    print("created the CA" if created else "the CA already exists")
    print(f"root    sha256={fingerprint(root)}  {root.subject.rfc4514_string()}")
    print(f"issuing sha256={fingerprint(issuing)}  {issuing.subject.rfc4514_string()}")
    sys.stdout.write(root.public_bytes(Encoding.PEM).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
