"""Detached CMS (PKCS#7) signatures: made with `cryptography`, checked by reading the SignerInfo.

Signing uses `PKCS7SignatureBuilder` with a detached signature and binary content (the document
is canonical JSON whose bytes must not be touched by S/MIME's CRLF canonicalisation). The
signer's certificate *and the issuing CA's* travel inside the signature, so a verifier needs
only the platform root: `openssl cms -verify -CAfile root.pem` works on it as it is.

Verification (`cryptography` cannot verify CMS) reads the one SignerInfo with `der.py` and checks
what RFC 5652 §5.4 asks: the content-type attribute is id-data, the message-digest attribute
equals the document's digest, and the signature over the DER `SET OF` signed attributes
verifies with the signer certificate's key. Chain and revocation are the caller's next steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7

from . import der

if TYPE_CHECKING:
    from .keys import SigningKey

_SIGNED_DATA = "1.2.840.113549.1.7.2"
_DATA = "1.2.840.113549.1.7.1"
_ATTR_CONTENT_TYPE = "1.2.840.113549.1.9.3"
_ATTR_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_ATTR_SIGNING_TIME = "1.2.840.113549.1.9.5"
_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "2.16.840.1.101.3.4.2.1": hashes.SHA256,
    "2.16.840.1.101.3.4.2.2": hashes.SHA384,
    "2.16.840.1.101.3.4.2.3": hashes.SHA512,
}
#: Signature algorithms accepted, with the digest each one implies (None: the SignerInfo's).
_SIGNATURE_ALGORITHMS: dict[str, str | None] = {
    "1.2.840.10045.4.3.2": "2.16.840.1.101.3.4.2.1",  # ecdsa-with-SHA256
    "1.2.840.10045.4.3.3": "2.16.840.1.101.3.4.2.2",  # ecdsa-with-SHA384
    "1.2.840.10045.4.3.4": "2.16.840.1.101.3.4.2.3",  # ecdsa-with-SHA512
    "1.2.840.113549.1.1.1": None,  # rsaEncryption (PKCS#1 v1.5)
    "1.2.840.113549.1.1.11": "2.16.840.1.101.3.4.2.1",  # sha256WithRSAEncryption
    "1.2.840.113549.1.1.12": "2.16.840.1.101.3.4.2.2",
    "1.2.840.113549.1.1.13": "2.16.840.1.101.3.4.2.3",
}


class CmsError(ValueError):
    """The signature is malformed or does not match; `str()` says why, for the audit report."""


def sign_detached(
    document: bytes,
    certificate: x509.Certificate,
    key: SigningKey,
    chain: Sequence[x509.Certificate],
) -> bytes:
    builder = pkcs7.PKCS7SignatureBuilder().set_data(document)
    builder = builder.add_signer(certificate, key, hashes.SHA256())
    for extra in chain:
        builder = builder.add_certificate(extra)
    options = [
        pkcs7.PKCS7Options.DetachedSignature,
        pkcs7.PKCS7Options.Binary,
        pkcs7.PKCS7Options.NoCapabilities,
    ]
    return builder.sign(serialization.Encoding.DER, options)


@dataclass(frozen=True)
class SignerInfo:
    certificates: list[x509.Certificate]
    issuer_der: bytes
    serial: int
    digest_oid: str
    signature_oid: str
    signed_attributes: bytes  # re-tagged as the DER SET OF that was signed
    message_digest: bytes
    signing_time: datetime | None
    signature: bytes

    @property
    def signer(self) -> x509.Certificate:
        for certificate in self.certificates:
            if (
                certificate.serial_number == self.serial
                and certificate.issuer.public_bytes() == self.issuer_der
            ):
                return certificate
        raise CmsError("the signer's certificate is not inside the signature")


def read(signature: bytes) -> SignerInfo:
    """Parse a DER ContentInfo holding detached SignedData with exactly one signer."""
    try:
        return _read(signature)
    except CmsError:
        raise
    except (ValueError, IndexError) as exc:  # der.DerError, or a structure of the wrong shape
        raise CmsError(f"not a DER CMS signature: {exc or 'unexpected structure'}") from exc


def _read(signature: bytes) -> SignerInfo:
    content_type, wrapped = der.parse(signature).expect(der.SEQUENCE, "ContentInfo").children()
    if der.oid(content_type) != _SIGNED_DATA or wrapped.tag != 0xA0:
        raise CmsError("not a CMS SignedData")
    fields = wrapped.children()[0].expect(der.SEQUENCE, "SignedData").children()
    encapsulated = fields[2].expect(der.SEQUENCE, "EncapsulatedContentInfo").children()
    if der.oid(encapsulated[0]) != _DATA or len(encapsulated) != 1:
        raise CmsError("expected a detached signature over id-data content")
    signer_infos = fields[-1].expect(der.SET, "signerInfos").children()
    if len(signer_infos) != 1:
        raise CmsError(f"expected exactly one signer, found {len(signer_infos)}")
    info = signer_infos[0].expect(der.SEQUENCE, "SignerInfo").children()
    issuer, serial = info[1].expect(der.SEQUENCE, "issuerAndSerialNumber").children()
    digest_oid = der.oid(info[2].expect(der.SEQUENCE, "digestAlgorithm").children()[0])
    if info[3].tag != 0xA0:
        raise CmsError("the signature has no signed attributes")
    attributes = _attributes(info[3])
    if (
        attributes.get(_ATTR_CONTENT_TYPE) is None
        or der.oid(attributes[_ATTR_CONTENT_TYPE]) != _DATA
    ):
        raise CmsError("the content-type attribute is missing or not id-data")
    digest = attributes.get(_ATTR_MESSAGE_DIGEST)
    if digest is None:
        raise CmsError("the message-digest attribute is missing")
    when = attributes.get(_ATTR_SIGNING_TIME)
    try:
        certificates = pkcs7.load_der_pkcs7_certificates(signature)
    except ValueError as exc:
        raise CmsError(f"unreadable certificates: {exc}") from exc
    return SignerInfo(
        certificates=certificates,
        issuer_der=issuer.raw,
        serial=der.integer(serial),
        digest_oid=digest_oid,
        signature_oid=der.oid(info[4].expect(der.SEQUENCE, "signatureAlgorithm").children()[0]),
        # RFC 5652 §5.4: the signature covers the attributes with an explicit SET OF tag.
        signed_attributes=bytes([der.SET]) + info[3].raw[1:],
        message_digest=digest.expect(der.OCTET_STRING, "messageDigest").content,
        signing_time=der.time(when) if when is not None else None,
        signature=info[5].expect(der.OCTET_STRING, "signature").content,
    )


def _attributes(signed: der.Tlv) -> dict[str, der.Tlv]:
    """Attribute OID → its single value; duplicates or multi-valued attributes are refused."""
    found: dict[str, der.Tlv] = {}
    for attribute in signed.children():
        kind, values = attribute.expect(der.SEQUENCE, "Attribute").children()
        name, items = der.oid(kind), values.expect(der.SET, "AttributeValues").children()
        if name in found or len(items) != 1:
            raise CmsError(f"attribute {name} must appear once with one value")
        found[name] = items[0]
    return found


def check(info: SignerInfo, document: bytes, signer: x509.Certificate) -> None:
    """Raise `CmsError` unless `info` is a valid signature of `document` by `signer`'s key."""
    algorithm = _DIGESTS.get(info.digest_oid)
    if algorithm is None:
        raise CmsError(f"unsupported digest algorithm {info.digest_oid}")
    if info.signature_oid not in _SIGNATURE_ALGORITHMS:
        raise CmsError(f"unsupported signature algorithm {info.signature_oid}")
    implied = _SIGNATURE_ALGORITHMS[info.signature_oid]
    if implied is not None and implied != info.digest_oid:
        raise CmsError("the signature algorithm's digest differs from the SignerInfo's")
    digest = hashes.Hash(algorithm())
    digest.update(document)
    if digest.finalize() != info.message_digest:
        raise CmsError("the document does not match the signed digest")
    key = signer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and info.signature_oid.startswith(
            "1.2.840.10045"
        ):
            key.verify(info.signature, info.signed_attributes, ec.ECDSA(algorithm()))
        elif isinstance(key, rsa.RSAPublicKey) and info.signature_oid.startswith("1.2.840.113549"):
            key.verify(info.signature, info.signed_attributes, padding.PKCS1v15(), algorithm())
        else:
            raise CmsError("the signature algorithm does not fit the signer's key")
    except InvalidSignature:
        raise CmsError("the signature does not verify with the signer's key") from None
