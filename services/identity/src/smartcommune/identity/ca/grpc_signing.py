"""gRPC `identity.v1.Signing`: the servicer and the server that runs it.

Authentication and the per-method rules are the kit's `AuthInterceptor` with `SIGNING_RULES`;
the servicer reads the verified caller with `current_principal()` and hands it to `signing.sign`,
which picks the certificate bound to that caller's subject. Status codes: a certificate that is
not the caller's, or a role/purpose mismatch → PERMISSION_DENIED; revoked, expired or missing →
FAILED_PRECONDITION with the reason; bad input → INVALID_ARGUMENT; unknown subject → NOT_FOUND.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC
from typing import TypeVar

import grpc
from cryptography.hazmat.primitives.serialization import Encoding
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry.trace import Tracer

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc
from smartcommune.kit.auth import Forbidden, TokenVerifier
from smartcommune.kit.auth.grpc_server import AuthInterceptor, current_principal
from smartcommune.kit.grpc import Serving, serve

from . import signing, verification
from .context import CertificationAuthority
from .domain import CaError, CertificateUnusable, InvalidRequest, NotFound, PermissionRefused
from .rules import SIGNING_RULES, SIGNING_SERVICE

R = TypeVar("R")
_STATUS: list[tuple[type[Exception], grpc.StatusCode]] = [
    (PermissionRefused, grpc.StatusCode.PERMISSION_DENIED),
    (Forbidden, grpc.StatusCode.PERMISSION_DENIED),
    (CertificateUnusable, grpc.StatusCode.FAILED_PRECONDITION),
    (InvalidRequest, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
]


def _answer(context: grpc.ServicerContext, call: Callable[[], R]) -> R:
    try:
        return call()
    except (CaError, Forbidden) as exc:
        code = next((c for kind, c in _STATUS if isinstance(exc, kind)), None)
        context.abort(code or grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        raise AssertionError("ServicerContext.abort returned") from exc  # it always raises


def _timestamp(value: object) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)  # type: ignore[arg-type]  # a datetime, checked by the callers
    return stamp


class SigningServicer(signing_pb2_grpc.SigningServicer):
    def __init__(self, ca: CertificationAuthority) -> None:
        self._ca = ca

    def Sign(  # noqa: N802 — the generated servicer's method name
        self, request: signing_pb2.SignRequest, context: grpc.ServicerContext
    ) -> signing_pb2.SignResponse:
        signed = _answer(context, lambda: signing.sign(
            self._ca, current_principal(), request.document,
            content_type=request.content_type, purpose=request.purpose,
            certificate_serial=request.certificate_serial,
        ))  # fmt: skip
        return signing_pb2.SignResponse(
            cms_signature=signed.signature,
            signer_subject=signed.certificate.subject_dn,
            certificate_serial=signed.certificate.serial,
            certificate_der=signed.certificate.der,
            signed_at=_timestamp(signed.signed_at),
        )

    def Verify(  # noqa: N802
        self, request: signing_pb2.VerifyRequest, context: grpc.ServicerContext
    ) -> signing_pb2.VerifyResponse:
        at = request.at.ToDatetime(tzinfo=UTC) if request.HasField("at") else None
        verdict = _answer(
            context,
            lambda: verification.verify(self._ca, request.document, request.cms_signature, at),
        )
        response = signing_pb2.VerifyResponse(
            valid=verdict.valid,
            signer_subject=verdict.signer_subject,
            signer_role=verdict.signer_role,
            chain_der=[c.public_bytes(Encoding.DER) for c in verdict.chain],
            revoked_at_signing_time=verdict.revoked_at_signing_time,
            reason=verdict.reason,
            certificate_serial=verdict.serial,
            revocation_reason=verdict.revocation_reason.value if verdict.revocation_reason else "",
        )
        if verdict.signed_at is not None:
            response.signed_at.CopyFrom(_timestamp(verdict.signed_at))
        if verdict.revoked_at is not None:
            response.revoked_at.CopyFrom(_timestamp(verdict.revoked_at))
        return response

    def GetCertificateChain(  # noqa: N802
        self, request: signing_pb2.GetCertificateChainRequest, context: grpc.ServicerContext
    ) -> signing_pb2.CertificateChain:
        chain = _answer(context, lambda: verification.chain_for(self._ca, request.subject))
        return signing_pb2.CertificateChain(chain_der=[c.public_bytes(Encoding.DER) for c in chain])


def start_signing_server(
    ca: CertificationAuthority,
    verifier: TokenVerifier,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tracer: Tracer | None = None,
) -> Serving:
    """Start `identity.v1.Signing` with health and reflection; stop it with `Serving.stop()`."""
    return serve(
        [functools.partial(signing_pb2_grpc.add_SigningServicer_to_server, SigningServicer(ca))],
        host=host,
        port=port,
        interceptors=[AuthInterceptor(verifier, SIGNING_RULES)],
        service_names=[SIGNING_SERVICE],
        tracer=tracer,
    )
