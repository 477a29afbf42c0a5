from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetScorecardRequest(_message.Message):
    __slots__ = ("unit_code", "criteria_set_id", "criteria_set_version", "as_of", "include_predecessors")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_SET_ID_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_SET_VERSION_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PREDECESSORS_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    criteria_set_id: str
    criteria_set_version: int
    as_of: str
    include_predecessors: bool
    def __init__(self, unit_code: _Optional[str] = ..., criteria_set_id: _Optional[str] = ..., criteria_set_version: _Optional[int] = ..., as_of: _Optional[str] = ..., include_predecessors: _Optional[bool] = ...) -> None: ...

class CriteriaSetRef(_message.Message):
    __slots__ = ("id", "version", "sha256")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    sha256: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class ChainEvidence(_message.Message):
    __slots__ = ("service", "commune_code", "count", "chain_seqs")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    COMMUNE_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CHAIN_SEQS_FIELD_NUMBER: _ClassVar[int]
    service: str
    commune_code: str
    count: int
    chain_seqs: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, service: _Optional[str] = ..., commune_code: _Optional[str] = ..., count: _Optional[int] = ..., chain_seqs: _Optional[_Iterable[int]] = ...) -> None: ...

class IndicatorResult(_message.Message):
    __slots__ = ("indicator_id", "title_vi", "title_en", "unit", "numerator", "has_denominator", "denominator", "threshold", "threshold_basis", "met", "mandatory", "evidence")
    INDICATOR_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_VI_FIELD_NUMBER: _ClassVar[int]
    TITLE_EN_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    HAS_DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_BASIS_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    MANDATORY_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    indicator_id: str
    title_vi: str
    title_en: str
    unit: str
    numerator: int
    has_denominator: bool
    denominator: int
    threshold: int
    threshold_basis: str
    met: bool
    mandatory: bool
    evidence: _containers.RepeatedCompositeFieldContainer[ChainEvidence]
    def __init__(self, indicator_id: _Optional[str] = ..., title_vi: _Optional[str] = ..., title_en: _Optional[str] = ..., unit: _Optional[str] = ..., numerator: _Optional[int] = ..., has_denominator: _Optional[bool] = ..., denominator: _Optional[int] = ..., threshold: _Optional[int] = ..., threshold_basis: _Optional[str] = ..., met: _Optional[bool] = ..., mandatory: _Optional[bool] = ..., evidence: _Optional[_Iterable[_Union[ChainEvidence, _Mapping]]] = ...) -> None: ...

class Scorecard(_message.Message):
    __slots__ = ("unit_code", "unit_path", "unit_name", "criteria_set", "as_of", "include_predecessors", "meets", "failing_mandatory", "optional_met", "optional_needed", "indicators")
    UNIT_CODE_FIELD_NUMBER: _ClassVar[int]
    UNIT_PATH_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_SET_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PREDECESSORS_FIELD_NUMBER: _ClassVar[int]
    MEETS_FIELD_NUMBER: _ClassVar[int]
    FAILING_MANDATORY_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_MET_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_NEEDED_FIELD_NUMBER: _ClassVar[int]
    INDICATORS_FIELD_NUMBER: _ClassVar[int]
    unit_code: str
    unit_path: str
    unit_name: str
    criteria_set: CriteriaSetRef
    as_of: str
    include_predecessors: bool
    meets: bool
    failing_mandatory: _containers.RepeatedScalarFieldContainer[str]
    optional_met: int
    optional_needed: int
    indicators: _containers.RepeatedCompositeFieldContainer[IndicatorResult]
    def __init__(self, unit_code: _Optional[str] = ..., unit_path: _Optional[str] = ..., unit_name: _Optional[str] = ..., criteria_set: _Optional[_Union[CriteriaSetRef, _Mapping]] = ..., as_of: _Optional[str] = ..., include_predecessors: _Optional[bool] = ..., meets: _Optional[bool] = ..., failing_mandatory: _Optional[_Iterable[str]] = ..., optional_met: _Optional[int] = ..., optional_needed: _Optional[int] = ..., indicators: _Optional[_Iterable[_Union[IndicatorResult, _Mapping]]] = ...) -> None: ...
