"""The HTML report: one self-contained page an inspector can read, print and archive.

Per decision it explains every criterion — recorded value, recomputed value, threshold, met or
not — and lists the events behind each number (chain, chain positions, and where each event sits
in Kafka), so a reader can go from a percentage on a decision to the very records it counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from ..application.replay import AuditResult
from ..domain.findings import Comparison, DecisionVerdict, Evidence
from ..domain.log import ChainKey, LocatedEvent
from ..domain.outcome import MEANING

#: Events listed per evidence cell before "… and N more" (the JSON report has all positions).
EVENTS_LISTED = 50

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:75rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f4f4f4}.ok{color:#13702b}.bad{color:#b00020;font-weight:600}
.banner{padding:.75rem 1rem;border-radius:.25rem;margin:1rem 0}
.banner.ok{background:#e6f4ea}.banner.bad{background:#fde7e9}
code{font-size:.85rem}details{margin:.25rem 0}small{color:#666}
"""


def _mark(ok: bool | None) -> str:
    if ok is None:
        return "<span>–</span>"
    return '<span class="ok">✔</span>' if ok else '<span class="bad">✘</span>'


def _value(value: Any) -> str:
    pair = None
    if isinstance(value, dict) and {"numerator", "denominator"} <= value.keys():
        pair = value["numerator"], value["denominator"]
    elif isinstance(value, list | tuple) and len(value) == 2:
        pair = value[0], value[1]
    if pair is not None:
        num, den = pair
        if den is None:
            return escape(str(num))
        share = f" ({num * 100 / den:.1f}%)" if isinstance(num, int) and den else ""
        return escape(f"{num} / {den}{share}")
    return escape("–" if value is None else str(value))


def ranges(seqs: Iterable[int]) -> str:
    """`1-4, 7, 9-10` for chain positions 1,2,3,4,7,9,10."""
    ordered = sorted(set(seqs))
    parts: list[str] = []
    start = prev = None
    for seq in ordered:
        if start is None:
            start = prev = seq
        elif prev is not None and seq == prev + 1:
            prev = seq
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = seq
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


class _Index:
    def __init__(self, events: dict[ChainKey, list[LocatedEvent]]) -> None:
        self.by_chain = {
            str(key): {e.envelope.chain_seq: e for e in chain} for key, chain in events.items()
        }

    def events(self, evidence: Evidence) -> list[LocatedEvent]:
        chain = self.by_chain.get(evidence.chain, {})
        return [chain[s] for s in evidence.chain_seqs if s in chain]


def _evidence_cell(evidence: Sequence[Evidence], index: _Index) -> str:
    if not evidence:
        return "<small>no evidence listed</small>"
    out: list[str] = []
    for item in evidence:
        listed = index.events(item)
        rows = "".join(
            f"<tr><td>#{e.envelope.chain_seq}</td><td>{escape(e.envelope.event_type)}</td>"
            f"<td>{escape(e.envelope.occurred_at.date().isoformat())}</td>"
            f"<td><code>{escape(str(e.position))}</code></td>"
            f"<td><code>{escape(e.envelope.event_id)}</code></td></tr>"
            for e in listed[:EVENTS_LISTED]
        )
        more = len(listed) - EVENTS_LISTED
        tail = f"<p><small>… and {more} more (see the JSON report)</small></p>" if more > 0 else ""
        out.append(
            f"<details><summary><code>{escape(item.chain)}</code>: {item.count} events, "
            f"chain positions {escape(ranges(item.chain_seqs)) or '–'}</summary>"
            "<table><tr><th>#</th><th>event</th><th>date</th><th>Kafka</th><th>event id</th></tr>"
            f"{rows}</table>{tail}</details>"
        )
    return "".join(out)


def _criteria(comparisons: list[Comparison], index: _Index) -> str:
    if not comparisons:
        return "<p><small>No criterion was re-evaluated.</small></p>"
    rows = "".join(
        f"<tr><td>{escape(c.unit_code)}</td><td>{escape(c.indicator_id)}</td>"
        f"<td>{_value(c.recorded)}</td><td>{_value(c.recomputed)}</td><td>{_value(c.threshold)}</td>"
        f"<td>{_mark(c.recorded_met)} / {_mark(c.recomputed_met)}</td><td>{_mark(c.agrees)}</td>"
        f"<td>{_evidence_cell(c.evidence, index)}</td></tr>"
        for c in comparisons
    )
    return (
        "<table><tr><th>unit</th><th>indicator</th><th>recorded</th><th>recomputed</th>"
        "<th>threshold</th><th>met (recorded / recomputed)</th><th>agrees</th>"
        f"<th>events behind the number</th></tr>{rows}</table>"
    )


def _units(units: Any) -> str:
    if not isinstance(units, list):
        return "–"
    return "; ".join(
        f"{u.get('code')} {u.get('name', '')} ({'meets' if u.get('meets') else 'does not meet'})"
        for u in units
        if isinstance(u, dict)
    )


def _authority(authority: Any) -> str:
    if not isinstance(authority, dict):
        return "–"
    return f"{authority.get('unit_path')} ({authority.get('level')}, {authority.get('role')})"


def _decision(d: DecisionVerdict, index: _Index) -> str:
    checks = "".join(
        f"<tr><td>{_mark(c.ok)}</td><td>{escape(c.name)}</td><td>{escape(c.detail)}</td></tr>"
        for c in d.checks
    )
    signer = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in d.signer.items()
    )
    cls = "ok" if d.ok else "bad"
    first = d.first_failure()
    verdict = "verified" if first is None else f"not verified — {first.name}: {first.detail}"
    units = _units(d.payload.get("units"))
    criteria_set = d.payload.get("criteria_set")
    authority = _authority(d.payload.get("authority"))
    return (
        f'<h2 id="{escape(d.event_id)}">{escape(d.event_type)} {escape(d.decision_number)}</h2>'
        f'<div class="banner {cls}">{escape(verdict)}</div>'
        f"<p>Decided on {escape(d.decided_on)}; event <code>{escape(d.event_id)}</code> at "
        f"<code>{escape(str(d.position))}</code>. Authority: "
        f"{escape(authority)}. Units: {escape(units)}. "
        f"Criteria set: <code>{escape(str(criteria_set))}</code></p>"
        f"<h3>Checks</h3><table>{checks}</table>"
        f"<h3>Signer</h3><table>{signer or '<tr><td>–</td></tr>'}</table>"
        f"<h3>Criterion by criterion</h3>{_criteria(d.comparisons, index)}"
    )


def render(result: AuditResult) -> str:
    code = result.exit_code
    cls = "ok" if code == 0 else "bad"
    index = _Index(result.verified_events)
    chains = "".join(
        f"<tr><td><code>{escape(str(c.chain))}</code></td><td>{c.verified}</td>"
        f"<td>#{c.last_seq} <small><code>{c.last_hash[:16]}…</code></small></td>"
        f"<td>{c.redeliveries}</td><td>{_mark(c.finding is None)} "
        f"{escape(c.finding.describe()) if c.finding else ''}</td></tr>"
        for c in result.chains
    )
    timeline = "".join(
        f"<tr><td>{escape(e.at.isoformat(timespec='seconds'))}</td><td>{escape(e.kind)}</td>"
        f'<td class="{"" if e.ok else "bad"}">{escape(e.text)}</td>'
        f"<td><code>{escape(e.where)}</code></td></tr>"
        for e in result.timeline
    )
    decisions = "".join(_decision(d, index) for d in result.decisions) or (
        "<p>No recognition or revocation decision in the replayed log.</p>"
    )
    as_of = result.as_of.isoformat() if result.as_of else "the end of the log"
    note = f"<p><small>{escape(result.evaluator_note)}</small></p>" if result.evaluator_note else ""
    if result.related_communes:
        related = ", ".join(result.related_communes)
        note += (
            f"<p>Also read and verified: the chains of {escape(related)} (merged into the "
            "commune, or named by a decision's evidence frontier).</p>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Audit replay — commune {escape(result.commune_code)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Audit replay of commune {escape(result.commune_code)} as of {escape(as_of)}</h1>"
        f'<div class="banner {cls}">Exit code {int(code)} ({escape(code.name.lower())}): '
        f"{escape(MEANING[code])}</div>{note}"
        f"<p>{result.records:,} records of the commune judged; {result.scanned:,} offsets read "
        f"in {len(result.partitions)} partitions in {result.seconds:.1f} s.</p>"
        "<h2>Chains</h2><table><tr><th>chain</th><th>verified events</th><th>frontier</th>"
        f"<th>redeliveries</th><th>verdict</th></tr>{chains}</table>"
        "<h2>Timeline</h2><table><tr><th>when (UTC)</th><th>what</th><th></th><th>where</th></tr>"
        f"{timeline}</table>{decisions}</body></html>"
    )


def write(result: AuditResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result), encoding="utf-8")
    return path
