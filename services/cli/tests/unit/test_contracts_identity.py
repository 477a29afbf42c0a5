"""The generated identity contract imports from its package and round-trips on the wire."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from smartcommune.contracts.identity.v1 import signing_pb2, signing_pb2_grpc


def test_a_sign_response_survives_serialisation() -> None:
    signed_at = Timestamp()
    signed_at.FromDatetime(datetime(2026, 3, 1, 8, 30, tzinfo=UTC))
    response = signing_pb2.SignResponse(
        cms_signature=b"\x30\x82\x01\x00",
        signer_subject="CN=Nguyễn Văn A,OU=district-officer,O=Smart Commune",
        certificate_serial="0a1b2c",
        certificate_der=b"\x30\x82",
        signed_at=signed_at,
    )
    decoded = signing_pb2.SignResponse.FromString(response.SerializeToString())
    assert decoded == response
    assert decoded.signed_at.ToDatetime(tzinfo=UTC) == datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def test_repeated_chains_and_the_verify_verdict_round_trip() -> None:
    verdict = signing_pb2.VerifyResponse(
        valid=False, chain_der=[b"leaf", b"root"], revoked_at_signing_time=True, reason="revoked"
    )
    assert signing_pb2.VerifyResponse.FromString(verdict.SerializeToString()).chain_der == [
        b"leaf",
        b"root",
    ]


def test_messages_name_their_importable_module_and_pickle() -> None:
    assert signing_pb2.SignRequest.__module__ == "smartcommune.contracts.identity.v1.signing_pb2"
    request = signing_pb2.SignRequest(document=b"{}", content_type="application/json")
    assert pickle.loads(pickle.dumps(request)) == request  # noqa: S301 — our own bytes


def test_the_service_is_described_under_its_proto_package() -> None:
    service = signing_pb2.DESCRIPTOR.services_by_name["Signing"]
    assert service.full_name == "identity.v1.Signing"
    assert [m.name for m in service.methods] == ["Sign", "Verify", "GetCertificateChain"]
    assert callable(signing_pb2_grpc.add_SigningServicer_to_server)
