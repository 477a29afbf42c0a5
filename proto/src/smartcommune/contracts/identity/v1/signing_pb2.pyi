import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SignRequest(_message.Message):
    __slots__ = ("document", "content_type", "purpose", "certificate_serial")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_SERIAL_FIELD_NUMBER: _ClassVar[int]
    document: bytes
    content_type: str
    purpose: str
    certificate_serial: str
    def __init__(self, document: _Optional[bytes] = ..., content_type: _Optional[str] = ..., purpose: _Optional[str] = ..., certificate_serial: _Optional[str] = ...) -> None: ...

class SignResponse(_message.Message):
    __slots__ = ("cms_signature", "signer_subject", "certificate_serial", "certificate_der", "signed_at")
    CMS_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNER_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_SERIAL_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_DER_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    cms_signature: bytes
    signer_subject: str
    certificate_serial: str
    certificate_der: bytes
    signed_at: _timestamp_pb2.Timestamp
    def __init__(self, cms_signature: _Optional[bytes] = ..., signer_subject: _Optional[str] = ..., certificate_serial: _Optional[str] = ..., certificate_der: _Optional[bytes] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("document", "cms_signature", "at")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    CMS_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    document: bytes
    cms_signature: bytes
    at: _timestamp_pb2.Timestamp
    def __init__(self, document: _Optional[bytes] = ..., cms_signature: _Optional[bytes] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("valid", "signer_subject", "signer_role", "chain_der", "revoked_at_signing_time", "reason", "signed_at", "certificate_serial", "revoked_at", "revocation_reason")
    VALID_FIELD_NUMBER: _ClassVar[int]
    SIGNER_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    SIGNER_ROLE_FIELD_NUMBER: _ClassVar[int]
    CHAIN_DER_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_SIGNING_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_SERIAL_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    signer_subject: str
    signer_role: str
    chain_der: _containers.RepeatedScalarFieldContainer[bytes]
    revoked_at_signing_time: bool
    reason: str
    signed_at: _timestamp_pb2.Timestamp
    certificate_serial: str
    revoked_at: _timestamp_pb2.Timestamp
    revocation_reason: str
    def __init__(self, valid: _Optional[bool] = ..., signer_subject: _Optional[str] = ..., signer_role: _Optional[str] = ..., chain_der: _Optional[_Iterable[bytes]] = ..., revoked_at_signing_time: _Optional[bool] = ..., reason: _Optional[str] = ..., signed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., certificate_serial: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revocation_reason: _Optional[str] = ...) -> None: ...

class GetCertificateChainRequest(_message.Message):
    __slots__ = ("subject",)
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    subject: str
    def __init__(self, subject: _Optional[str] = ...) -> None: ...

class CertificateChain(_message.Message):
    __slots__ = ("chain_der",)
    CHAIN_DER_FIELD_NUMBER: _ClassVar[int]
    chain_der: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, chain_der: _Optional[_Iterable[bytes]] = ...) -> None: ...
