"""Helpers for the CA's tests (and anyone testing against a real CA): not used in production.

`make_ca` builds a CA on a fresh SQLite file with a throw-away master key — the tables are
created from the metadata, the migrations have their own test — and `openssl` runs the real
OpenSSL command line, which is the yardstick the certificates, signatures and CRLs are held to.
"""

from __future__ import annotations

import base64
import secrets
import subprocess
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from smartcommune.kit.auth import Principal
from smartcommune.kit.events import EventEnvelope, PayloadRegistry
from smartcommune.kit.store import EventStore, UnitOfWork, make_engine
from smartcommune.kit.store.tables import metadata as kit_metadata

from .authority import initialise
from .config import CaSettings
from .context import CertificationAuthority
from .events import register_ca_events
from .tables import metadata as ca_metadata

CRL_URL = "http://identity.test/ca/crl"


@dataclass
class Clock:
    """A clock tests move by hand."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def settings(**overrides: object) -> CaSettings:
    values: dict[str, object] = {
        "master_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        "crl_url": CRL_URL,
    }
    return CaSettings.model_validate(values | overrides)


def make_ca(
    folder: Path, *, clock: Clock | None = None, ca_settings: CaSettings | None = None
) -> CertificationAuthority:
    engine = make_engine(f"sqlite:///{folder / 'identity-ca.db'}")
    kit_metadata.create_all(engine)
    ca_metadata.create_all(engine)
    store = EventStore(register_ca_events(PayloadRegistry("identity")))
    ca = CertificationAuthority.build(
        engine, store, ca_settings or settings(), clock=clock or Clock()
    )
    initialise(ca)
    return ca


def person(
    username: str,
    role: str,
    admin_unit: str | None,
    *,
    subject: str | None = None,
    roles: Iterable[str] = (),
) -> Principal:
    """A verified caller as the token verifier would produce it."""
    return Principal(
        subject=subject or str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
        username=username,
        roles=frozenset({role, *roles}),
        admin_unit=admin_unit,
        client_id="smartcommune-cli",
        is_service=False,
        token="not-a-token",  # noqa: S106 — a placeholder, never verified
    )


def recorded_events(ca: CertificationAuthority) -> list[EventEnvelope]:
    """Every event the CA's store holds, in position order."""
    with UnitOfWork(ca.engine, read_only=True) as uow:
        return [found.envelope for found in ca.events.read_all(uow, 0, limit=10_000)]


def write_pem(path: Path, *certificates: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in certificates))
    return path


def openssl(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `openssl`; the result's returncode/stdout/stderr are the test's evidence."""
    return subprocess.run(
        ["openssl", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60
    )
