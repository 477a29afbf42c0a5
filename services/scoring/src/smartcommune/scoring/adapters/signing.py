"""Signing through identity's `identity.v1.Signing`, always with the official's own token.

Scoring holds no keys and signs as nobody: it forwards the bearer token of the official who
issues the decision. The certificate is looked up first (`GetCertificateChain` for the caller's
own subject) so that its serial can be written into the signed content, then named in `Sign`,
which refuses any certificate that is not the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import grpc
from cryptography import x509
from opentelemetry.trace import Tracer

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.kit.grpc import channel


@dataclass(frozen=True)
class Signature:
    cms_der: bytes
    certificate_serial: str
    signer_dn: str
    signed_at: datetime


class SigningError(Exception):
    """The signing service refused or could not be reached; `reason` is safe to show."""

    def __init__(self, reason: str, *, refused: bool) -> None:
        super().__init__(reason)
        self.reason, self.refused = reason, refused


class Signer(Protocol):
    def certificate_serial(self, token: str, subject: str) -> str: ...

    def sign(self, token: str, document: bytes, purpose: str, serial: str) -> Signature: ...


_REFUSALS = {
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.INVALID_ARGUMENT,
}


class GrpcSigner:
    def __init__(
        self,
        target: str,
        *,
        root_certificates: Path | None = None,
        timeout: float = 10.0,
        tracer: Tracer | None = None,
    ) -> None:
        self._target, self._timeout, self._tracer = target, timeout, tracer
        self._roots = root_certificates.read_bytes() if root_certificates else None

    def _call(self, token: str, method: str, request: object) -> object:
        with channel(
            self._target, token_provider=lambda: token, root_certificates=self._roots,
            tracer=self._tracer,
        ) as ch:  # fmt: skip
            stub = signing_pb2_grpc.SigningStub(ch)
            try:
                return getattr(stub, method)(request, timeout=self._timeout)
            except grpc.RpcError as exc:
                code = exc.code() if hasattr(exc, "code") else None
                detail = exc.details() if hasattr(exc, "details") else ""
                raise SigningError(
                    f"signing service: {code.name if code else 'error'}: {detail}",
                    refused=code in _REFUSALS,
                ) from exc

    def certificate_serial(self, token: str, subject: str) -> str:
        reply = self._call(
            token, "GetCertificateChain", signing_pb2.GetCertificateChainRequest(subject=subject)
        )
        assert isinstance(reply, signing_pb2.CertificateChain)
        if not reply.chain_der:
            raise SigningError("you hold no signing certificate", refused=True)
        leaf = x509.load_der_x509_certificate(reply.chain_der[0])
        return format(leaf.serial_number, "x")

    def sign(self, token: str, document: bytes, purpose: str, serial: str) -> Signature:
        reply = self._call(
            token, "Sign",
            signing_pb2.SignRequest(
                document=document, content_type="application/json", purpose=purpose,
                certificate_serial=serial,
            ),
        )  # fmt: skip
        assert isinstance(reply, signing_pb2.SignResponse)
        if reply.certificate_serial != serial:
            raise SigningError("signed with another certificate than requested", refused=False)
        return Signature(
            reply.cms_signature, reply.certificate_serial, reply.signer_subject,
            reply.signed_at.ToDatetime(tzinfo=UTC),
        )  # fmt: skip
