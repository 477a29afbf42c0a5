"""The CA itself: created once (root, then issuing CA), its chain, and its current CRL.

The root signs exactly one thing in normal operation — the issuing CA — and the issuing CA signs
every end-entity certificate and CRL. Both keys are made inside the key store and never leave it.
Creation is idempotent and safe when two replicas start together: the key labels are primary
keys, so the loser's transaction fails and it finds the winner's CA instead.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.exc import IntegrityError

from smartcommune.kit.store import UnitOfWork

from . import crl, profiles
from .context import SERVICE_ACTOR, CertificationAuthority, new_record, serial_hex
from .domain import KeyOrigin, Kind
from .events import CertificateIssuedV1

ROOT_KEY = "ca-root-1"
ISSUING_KEY = "ca-issuing-1"


def initialise(ca: CertificationAuthority) -> bool:
    """Create the root and issuing CA unless they exist; True when this call created them."""
    settings, now = ca.settings, ca.now()
    try:
        with ca.unit_of_work() as uow:
            if ca.certificates.authority(uow.session, Kind.ROOT) is not None:
                _check_master_key(ca, uow)
                return False
            root_name = profiles.ca_name(settings.organisation, settings.province, "Root")
            root_key = ca.keys.create(uow.session, ROOT_KEY)
            root = ca.keys.signer(uow.session, ROOT_KEY).sign_certificate(
                profiles.ca_builder(
                    root_name, root_name, root_key, root_key,
                    path_length=1, now=now, days=settings.root_validity_days,
                )
            )  # fmt: skip
            issuing_key = ca.keys.create(uow.session, ISSUING_KEY)
            issuing = ca.keys.signer(uow.session, ROOT_KEY).sign_certificate(
                profiles.ca_builder(
                    profiles.ca_name(settings.organisation, settings.province, "Issuing"),
                    root_name, issuing_key, root_key,
                    path_length=0, now=now, days=settings.issuing_validity_days,
                )
            )  # fmt: skip
            for certificate, kind, issuer in (
                (root, Kind.ROOT, None),
                (issuing, Kind.ISSUING, root),
            ):
                _store_authority(ca, uow, certificate, kind, issuer)
            uow.commit()
            return True
    except IntegrityError:
        return False  # another replica created the CA at the same moment


def _check_master_key(ca: CertificationAuthority, uow: UnitOfWork) -> None:
    """Fail at start-up, not at the first signature, when the master key is not the CA's."""
    try:
        ca.keys.signer(uow.session, ISSUING_KEY)
    except ValueError as exc:
        raise RuntimeError(
            "the CA's keys do not open with this master key: is SMARTCOMMUNE_IDENTITY_MASTER_KEY "
            "the one the CA was created with?"
        ) from exc


def _store_authority(
    ca: CertificationAuthority,
    uow: UnitOfWork,
    certificate: x509.Certificate,
    kind: Kind,
    issuer: x509.Certificate | None,
) -> None:
    record = new_record(
        certificate, kind=kind, holder=f"ca:{ca.settings.province}", role=kind.value,
        unit_path=ca.settings.province, commune_code=None,
        key_origin=KeyOrigin.SERVICE_HELD, issued_at=ca.now(),
    )  # fmt: skip
    ca.certificates.add(uow.session, record)
    ca.record(
        uow,
        CertificateIssuedV1(
            serial=record.serial, fingerprint_sha256=record.fingerprint, kind=kind,
            holder=record.holder, role=record.role, key_origin=record.key_origin,
            not_before=record.not_before, not_after=record.not_after,
            issuer_serial=serial_hex(issuer) if issuer is not None else None,
        ),
        stream_id=f"certificate-{record.serial}", unit_path=record.unit_path,
        commune_code=None, actor=SERVICE_ACTOR, expected_version=0,
    )  # fmt: skip


def ca_chain(ca: CertificationAuthority) -> list[x509.Certificate]:
    """[issuing, root]: what a verifier needs besides a signer's own certificate."""
    with ca.unit_of_work(read_only=True) as uow:
        issuing, root = ca.authorities(uow)
    return [issuing.certificate, root.certificate]


def current_crl(ca: CertificationAuthority) -> bytes:
    """The DER of a CRL that covers every revocation so far, issuing a new one if needed."""
    with ca.unit_of_work(read_only=True) as uow:
        latest = ca.crls.latest(uow.session)
        last_revocation = ca.certificates.latest_revocation(uow.session)
    now = ca.now()
    if latest is not None and crl.is_fresh(latest[1], latest[2], last_revocation, now):
        return latest[3]
    try:
        with ca.unit_of_work() as uow:
            issuing, _ = ca.authorities(uow)
            latest = ca.crls.latest(uow.session)
            number = latest[0] + 1 if latest else 1
            revocations = crl.build(
                issuing.certificate,
                ca.keys.signer(uow.session, ISSUING_KEY),
                ca.certificates.revoked(uow.session),
                number=number,
                now=now,
                lifetime=ca.settings.crl_next_update,
            )
            der = revocations.public_bytes(Encoding.DER)
            ca.crls.add(uow.session, number, now, now + ca.settings.crl_next_update, der)
            uow.commit()
            return der
    except IntegrityError:  # a concurrent request issued this number: serve its CRL
        with ca.unit_of_work(read_only=True) as uow:
            newest = ca.crls.latest(uow.session)
        assert newest is not None
        return newest[3]
