"""The one thing audit asks of `scoring`: re-evaluate a decision from the verified events.

Audit has no indicator code of its own — a second implementation could agree with itself and
still differ from what the platform decided. `DecisionEvaluator` is the shape of
`smartcommune.scoring.replay.ReplayEvaluator` (see the scoring ↔ audit contract); `load_evaluator`
finds it when scoring is installed. The check result is read through `as_comparisons`, which
accepts the contract's comparison records as dataclasses, named tuples or plain tuples.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from smartcommune.kit.events import EventEnvelope

from ..domain.findings import Comparison, Evidence

_COMPARISON_FIELDS = (
    "unit_code",
    "indicator_id",
    "recorded",
    "recomputed",
    "threshold",
    "recorded_met",
    "recomputed_met",
    "evidence",
)


class DecisionCheckLike(Protocol):
    @property
    def criteria_set_ok(self) -> bool: ...

    @property
    def agrees(self) -> bool: ...

    @property
    def comparisons(self) -> Sequence[Any]: ...


class DecisionEvaluator(Protocol):
    def check(
        self, events: Sequence[EventEnvelope], decision: EventEnvelope
    ) -> DecisionCheckLike: ...


class EvaluatorUnavailableError(RuntimeError):
    """Scoring's replay evaluator is not installed or cannot be built."""


def load_evaluator(
    units_file: Path | None = None, criteria_dir: Path | None = None
) -> DecisionEvaluator:
    try:
        module = importlib.import_module("smartcommune.scoring.replay")
    except ImportError as exc:
        raise EvaluatorUnavailableError(
            f"smartcommune.scoring.replay is not available: {exc}"
        ) from exc
    try:
        evaluator: DecisionEvaluator = module.ReplayEvaluator(
            units_file=units_file, criteria_dir=criteria_dir
        )
    except Exception as exc:  # any failure to build it makes re-evaluation impossible
        raise EvaluatorUnavailableError(f"ReplayEvaluator could not be built: {exc!r}") from exc
    return evaluator


def merged_into(commune: str, units_file: Path | None = None) -> list[str]:
    """The commune-level units scoring's unit file records as merged into `commune` (directly or
    through earlier merges), whose chains a rollup decision reads; none when scoring is not
    installed or the file cannot be read (the decisions' frontiers still name them)."""
    try:
        module = importlib.import_module("smartcommune.scoring.domain.units")
        directory = module.UnitDirectory.load(units_file)
    except Exception:  # optional: the frontier rule alone still finds every chain needed
        return []
    found = []
    for code in sorted(directory.predecessors(commune)):
        unit = directory.get(code)
        if unit is not None and unit.is_commune_level:
            found.append(str(code))
    return found


def _fields(item: Any, names: Sequence[str]) -> dict[str, Any]:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
    if isinstance(item, Mapping):
        return dict(item)
    if hasattr(item, "_asdict"):
        return dict(item._asdict())
    if isinstance(item, tuple | list):
        return dict(zip(names, item, strict=False))
    return {name: getattr(item, name, None) for name in names}


def _pick(data: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in data:
            return data[name]
    return None


def _evidence(raw: Any) -> tuple[Evidence, ...]:
    """Per source chain the count and chain positions, whatever container scoring uses."""
    if raw is None:
        return ()
    items: list[tuple[str, Any]]
    if isinstance(raw, Mapping):
        items = [(str(chain), value) for chain, value in raw.items()]
    else:
        items = []
        for entry in raw:
            data = _fields(entry, ("chain", "count", "chain_seqs"))
            chain = _pick(data, "chain", "source", "service")
            if chain is None and "service" in data:
                chain = data["service"]
            if "commune_code" in data and chain is not None and "/" not in str(chain):
                chain = f"{chain}/{data['commune_code']}"
            items.append((str(chain), data))
    found: list[Evidence] = []
    for chain, value in items:
        data = _fields(value, ("count", "chain_seqs"))
        seqs = _pick(data, "chain_seqs", "positions", "seqs", "chain_positions") or ()
        seqs_t = tuple(int(s) for s in seqs)
        count = _pick(data, "count")
        found.append(Evidence(chain, int(count) if count is not None else len(seqs_t), seqs_t))
    return tuple(found)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def as_comparisons(check: DecisionCheckLike) -> list[Comparison]:
    out: list[Comparison] = []
    for item in check.comparisons:
        data = _fields(item, _COMPARISON_FIELDS)
        out.append(
            Comparison(
                unit_code=str(_pick(data, "unit_code", "unit")),
                indicator_id=str(_pick(data, "indicator_id", "indicator")),
                recorded=_plain(_pick(data, "recorded", "recorded_value")),
                recomputed=_plain(_pick(data, "recomputed", "recomputed_value")),
                threshold=_plain(_pick(data, "threshold")),
                recorded_met=_pick(data, "recorded_met"),
                recomputed_met=_pick(data, "recomputed_met"),
                evidence=_evidence(_pick(data, "evidence")),
            )
        )
    return out
