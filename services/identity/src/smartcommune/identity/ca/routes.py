"""The CA's REST API (`/ca/...`): issue, revoke, list, download; the CRL and the CA chain.

`ca_router(ca, current)` is mounted by the identity app with its `principal_dependency`. The CRL
and the CA chain are public (relying parties fetch them without an account); everything else
needs a token, and every rule is in `rules.py`. Handlers are plain `def`s: the work is
synchronous database and crypto work, which FastAPI runs in its thread pool.
"""

# No `from __future__ import annotations`: FastAPI reads the handlers' annotations at runtime,
# and `Caller` is a local of `ca_router`, which postponed annotations could not resolve.
import base64
from collections.abc import Callable, Sequence
from typing import Annotated

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from smartcommune.kit.auth import Forbidden, Principal, authorize
from smartcommune.kit.telemetry import current_traceparent

from . import authority, external, issuing, residents, revocation
from .context import CertificationAuthority
from .domain import CertificateRecord, Kind, NotFound
from .problems import CaRoute
from .rules import READ, READ_ROLE
from .schemas import (
    CertificateView,
    ExternalCertificateRequest,
    Format,
    IssueOfficialRequest,
    IssueResidentCsrRequest,
    IssueResidentPkcs12Request,
    Pkcs12Handover,
    RevokeRequest,
)

PEM_CHAIN = "application/pem-certificate-chain"
CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only"
FormatQuery = Annotated[Format, Query(alias="format")]


def ca_router(ca: CertificationAuthority, current: Callable[..., Principal]) -> APIRouter:
    router = APIRouter(prefix="/ca", tags=["certification authority"], route_class=CaRoute)
    Caller = Annotated[Principal, Depends(current)]  # noqa: N806 — a type alias

    @router.get("/crl", response_class=Response, summary="Current CRL (public)")
    def get_crl(format: FormatQuery = Format.DER) -> Response:
        der = authority.current_crl(ca)
        if format is Format.PEM:
            crl = x509.load_der_x509_crl(der)
            return Response(crl.public_bytes(Encoding.PEM), media_type="application/x-pem-file")
        return Response(der, media_type="application/pkix-crl")

    @router.get("/chain", response_class=Response, summary="Issuing CA and root (public)")
    def get_ca_chain(format: FormatQuery = Format.PEM) -> Response:
        return _chain_response(authority.ca_chain(ca), format)

    @router.post(
        "/officials/certificates", status_code=201, summary="Issue an official's certificate"
    )
    def issue_official(body: IssueOfficialRequest, caller: Caller) -> CertificateView:
        return CertificateView.of(issuing.issue_official(
            ca, caller, subject=body.subject, username=body.username, role=body.role,
            admin_unit=body.admin_unit, commune_code=body.commune_code,
            trace=current_traceparent(),
        ))  # fmt: skip

    @router.post("/residents/certificates", status_code=201, summary="Certify a resident's CSR")
    def issue_resident(body: IssueResidentCsrRequest, caller: Caller) -> CertificateView:
        return CertificateView.of(residents.issue_resident_from_csr(
            ca, caller, resident_id=body.resident_id, unit_path=body.unit_path,
            commune_code=body.commune_code, csr_pem=body.csr_pem, trace=current_traceparent(),
        ))  # fmt: skip

    @router.post("/residents/pkcs12", status_code=201, summary="Generate a resident's key (once)")
    def issue_resident_pkcs12(body: IssueResidentPkcs12Request, caller: Caller) -> JSONResponse:
        handover = residents.issue_resident_pkcs12(
            ca, caller, resident_id=body.resident_id, unit_path=body.unit_path,
            commune_code=body.commune_code, password=body.password, trace=current_traceparent(),
        )  # fmt: skip
        view = Pkcs12Handover(
            certificate=CertificateView.of(handover.record),
            pkcs12_base64=base64.b64encode(handover.pkcs12).decode(),
            password=handover.password,
            filename=f"{handover.record.holder}.p12",
        )
        # The only copy of a private key and its password: no cache may keep it.
        return JSONResponse(view.model_dump(mode="json"), status_code=201,
                            headers={"Cache-Control": "no-store"})  # fmt: skip

    @router.post(
        "/external-certificates", status_code=201, summary="Record a public CA's certificate"
    )
    def record_external(body: ExternalCertificateRequest, caller: Caller) -> CertificateView:
        return CertificateView.of(external.record_external(
            ca, caller, resident_id=body.resident_id, unit_path=body.unit_path,
            commune_code=body.commune_code, provider=body.provider,
            certificate_pem=body.certificate_pem, chain_pem=body.chain_pem,
            trace=current_traceparent(),
        ))  # fmt: skip

    @router.post("/certificates/{serial}/revocation", summary="Revoke with an RFC 5280 reason")
    def revoke(serial: str, body: RevokeRequest, caller: Caller) -> CertificateView:
        record = revocation.revoke(ca, caller, serial, body.reason, trace=current_traceparent())
        return CertificateView.of(record)

    @router.get("/certificates", summary="Certificates in your subtree, newest first")
    def list_certificates(
        caller: Caller, kind: Kind | None = None, holder: str | None = None
    ) -> list[CertificateView]:
        authorize(caller, READ_ROLE, None)
        with ca.unit_of_work(read_only=True) as uow:
            found = ca.certificates.find(uow.session, kind=kind, holder=holder)
        return [CertificateView.of(r) for r in found if _readable(caller, r)]

    @router.get("/certificates/{ident}", summary="One certificate, by serial or fingerprint")
    def get_certificate(ident: str, caller: Caller) -> CertificateView:
        return CertificateView.of(_readable_record(ca, caller, ident))

    @router.get("/certificates/{ident}/certificate", response_class=Response)
    def download_certificate(
        ident: str, caller: Caller, format: FormatQuery = Format.PEM
    ) -> Response:
        certificate = _readable_record(ca, caller, ident).certificate
        if format is Format.DER:
            return Response(
                certificate.public_bytes(Encoding.DER), media_type="application/pkix-cert"
            )
        return Response(certificate.public_bytes(Encoding.PEM), media_type="application/x-pem-file")

    @router.get("/certificates/{ident}/chain", response_class=Response)
    def download_chain(ident: str, caller: Caller, format: FormatQuery = Format.PEM) -> Response:
        record = _readable_record(ca, caller, ident)
        chain = [record.certificate] if record.kind is not Kind.ROOT else []
        if record.kind not in (Kind.EXTERNAL, Kind.ROOT):
            chain += authority.ca_chain(ca)[1 if record.kind is Kind.ISSUING else 0 :]
        return _chain_response(chain or [record.certificate], format)

    return router


def _readable(caller: Principal, record: CertificateRecord) -> bool:
    if record.kind in (Kind.ROOT, Kind.ISSUING):
        return True  # the CA's own certificates are public anyway
    try:
        authorize(caller, READ, record.unit_path)
    except Forbidden:  # simply not in the caller's subtree
        return False
    return True


def _readable_record(
    ca: CertificationAuthority, caller: Principal, ident: str
) -> CertificateRecord:
    authorize(caller, READ_ROLE, None)
    with ca.unit_of_work(read_only=True) as uow:
        record = (
            ca.certificates.by_fingerprint(uow.session, ident.lower())
            if len(ident) == 64
            else ca.certificates.by_serial(uow.session, ident)
        )
    if record is None or not _readable(caller, record):
        raise NotFound(f"no certificate {ident} in your units")  # no hint that it exists
    return record


def _chain_response(chain: Sequence[x509.Certificate], format: Format) -> Response:
    if format is Format.DER:
        return Response(
            pkcs7.serialize_certificates(list(chain), Encoding.DER), media_type=CERTS_ONLY
        )
    pem = b"".join(c.public_bytes(Encoding.PEM) for c in chain)
    return Response(pem, media_type=PEM_CHAIN)
