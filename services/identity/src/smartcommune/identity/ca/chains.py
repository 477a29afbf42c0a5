"""Path validation at a chosen instant, with `cryptography`'s own X.509 verifier.

The verifier (the Rust path builder behind `cryptography.x509.verification`) checks signatures,
validity periods at the given time, basic constraints and path lengths. Its default end-entity
policy is the Web PKI's (serverAuth/clientAuth, a subjectAltName), which signing certificates do
not follow, so end entities get a policy of their own: key usage must allow digitalSignature or
nonRepudiation. CA certificates keep the Web PKI defaults, which our profiles satisfy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.x509 import verification


class ChainError(ValueError):
    """No valid path to a trusted root at the instant asked."""


def _signing_usage(_policy: verification.Policy, _cert: x509.Certificate, ext: object) -> None:
    if not isinstance(ext, x509.KeyUsage) or not (ext.digital_signature or ext.content_commitment):
        raise ValueError("key usage allows neither digitalSignature nor nonRepudiation")


def _end_entity_policy() -> verification.ExtensionPolicy:
    return verification.ExtensionPolicy.permit_all().require_present(
        x509.KeyUsage, verification.Criticality.AGNOSTIC, _signing_usage
    )


def validate(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    roots: Sequence[x509.Certificate],
    at: datetime,
) -> list[x509.Certificate]:
    """The validated chain, leaf first, root last; `ChainError` with the reason otherwise."""
    if not roots:
        raise ChainError("no trusted root is configured")
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store(list(roots)))
        .time(at)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
            ee_policy=_end_entity_policy(),
        )
        .build_client_verifier()
    )
    try:
        return list(verifier.verify(leaf, list(intermediates)).chain)
    except verification.VerificationError as exc:
        raise ChainError(_short(str(exc))) from exc


def _short(message: str) -> str:
    """The verifier's message without the certificate dump it appends."""
    return message.split(" (encountered processing", 1)[0]
