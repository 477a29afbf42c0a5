"""The issuing CA's certificate revocation list (RFC 5280 §5).

A CRL is built when asked for and the stored one is stale — past half its lifetime, or older
than the latest revocation — so `GET /ca/crl` is a read in the common case and a revocation
shows up on the next fetch. Every CRL gets the next CRL number, never reused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from cryptography import x509

from .domain import CertificateRecord, RevocationReason
from .keys import CaSigner


def build(
    issuer: x509.Certificate,
    signer: CaSigner,
    revoked: Iterable[CertificateRecord],
    *,
    number: int,
    now: datetime,
    lifetime: timedelta,
) -> x509.CertificateRevocationList:
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(now)
        .next_update(now + lifetime)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    for record in revoked:
        assert record.revoked_at is not None  # only revoked records are passed in
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(int(record.serial, 16))
            .revocation_date(record.revoked_at)
        )
        reason = record.revocation_reason
        # RFC 5280 §5.3.1: the reason code "unspecified" SHOULD be left out.
        if reason is not None and reason is not RevocationReason.UNSPECIFIED:
            entry = entry.add_extension(x509.CRLReason(reason.flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return signer.sign_crl(builder)


def is_fresh(
    this_update: datetime, next_update: datetime, latest_revocation: datetime | None, now: datetime
) -> bool:
    """Serve the stored CRL in the first half of its life, if it covers every revocation."""
    if latest_revocation is not None and latest_revocation >= this_update:
        return False
    return now < this_update + (next_update - this_update) / 2
