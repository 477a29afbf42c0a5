"""Private keys: how they are made, sealed at rest, and used by the CA without handing them out.

**Algorithm: ECDSA P-256 with SHA-256**, for the CA and for every key the service generates.
It gives ~128-bit security (RSA-3072's level) with 64-byte signatures and tiny keys, signing is
an order of magnitude faster than RSA-3072 (the signing service is on the decision path and
benchmarked), and a key is generated in microseconds — which matters when a commune hands out
PKCS#12 files at a counter. OpenSSL, the `cryptography` package and every mainstream CMS
verifier support it. Holders who bring their own key by CSR may also use RSA ≥ 2048 or P-384:
that is what the licensed public CAs' tokens produce.

**Sealing.** Keys are stored as PKCS#8 with `BestAvailableEncryption`, under a password
derived by HKDF-SHA256 from the master key and the key's label, so each key has its own password
and a row copied to another label does not decrypt. The password is already 256 bits of key
material: the PBKDF2 inside PKCS#8 adds nothing, and unsealing costs well under a millisecond.

**`CaKeyStore`** is the seam for an HSM: callers ask it to *sign a builder*, never for a key. A
PKCS#11 implementation would build the TBS structure, sign it in the device and assemble the
result; nothing above this module would change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .domain import NotFound
from .tables import ca_keys

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey
ALGORITHM = "ecdsa-p256"
_INFO = b"smartcommune.identity.ca key-sealing v1:"


def generate_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


class KeySealer:
    """Encrypts and decrypts private keys with passwords derived from the master key."""

    def __init__(self, master_key: str | bytes) -> None:
        raw = master_key.encode() if isinstance(master_key, str) else master_key
        if len(raw) < 32:
            raise ValueError("the master key needs at least 32 bytes of randomness")
        self._master = raw

    def _password(self, label: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO + label.encode())
        return hkdf.derive(self._master).hex().encode()

    def seal(self, label: str, key: SigningKey) -> bytes:
        encryption = serialization.BestAvailableEncryption(self._password(label))
        return key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, encryption
        )

    def unseal(self, label: str, sealed: bytes) -> SigningKey:
        key = serialization.load_der_private_key(sealed, password=self._password(label))
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"key {label}: unexpected key type {type(key).__name__}")
        return key


class KeyVault:
    """Sealed keys in `ca_keys`, by label. Used for the CA's keys and officials' keys."""

    def __init__(self, sealer: KeySealer) -> None:
        self._sealer = sealer

    def put(self, session: Session, label: str, key: SigningKey) -> None:
        session.execute(
            insert(ca_keys).values(
                label=label,
                algorithm=ALGORITHM if isinstance(key, ec.EllipticCurvePrivateKey) else "rsa",
                sealed=self._sealer.seal(label, key),
                created_at=datetime.now(UTC),
            )
        )

    def get(self, session: Session, label: str) -> SigningKey:
        sealed = session.execute(
            select(ca_keys.c.sealed).where(ca_keys.c.label == label)
        ).scalar_one_or_none()
        if sealed is None:
            raise NotFound(f"no key {label!r}")
        return self._sealer.unseal(label, sealed)


class CaSigner(Protocol):
    """Signs what the CA issues with one CA key, without exposing the key."""

    def sign_certificate(self, builder: x509.CertificateBuilder) -> x509.Certificate: ...

    def sign_crl(
        self, builder: x509.CertificateRevocationListBuilder
    ) -> x509.CertificateRevocationList: ...


class CaKeyStore(Protocol):
    """Where the CA's own keys live: the database today, an HSM tomorrow."""

    def create(self, session: Session, label: str) -> PublicKey: ...

    def signer(self, session: Session, label: str) -> CaSigner: ...


class _SoftwareSigner:
    def __init__(self, key: SigningKey) -> None:
        self._key = key

    def sign_certificate(self, builder: x509.CertificateBuilder) -> x509.Certificate:
        return builder.sign(self._key, hashes.SHA256())

    def sign_crl(
        self, builder: x509.CertificateRevocationListBuilder
    ) -> x509.CertificateRevocationList:
        return builder.sign(self._key, hashes.SHA256())


class DatabaseCaKeyStore:
    """`CaKeyStore` on `ca_keys`: a fresh P-256 key per CA, sealed under the master key."""

    def __init__(self, vault: KeyVault) -> None:
        self._vault = vault

    def create(self, session: Session, label: str) -> PublicKey:
        key = generate_key()
        self._vault.put(session, label, key)
        return key.public_key()

    def signer(self, session: Session, label: str) -> CaSigner:
        return _SoftwareSigner(self._vault.get(session, label))
