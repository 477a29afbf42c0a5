"""The signing benchmark's machinery, run tiny: it measures what it claims, both sides.

No timing is asserted (a shared 2-core machine makes that flaky): what is checked is that the
four rows run the real service and CMS code against their bare-ECDSA baselines.
"""

from __future__ import annotations

from pathlib import Path

from smartcommune.cli.bench.signing import DOCUMENT_BYTES, document, measure


def test_the_document_is_canonical_json_of_about_twenty_kilobytes() -> None:
    doc = document()
    assert DOCUMENT_BYTES <= len(doc) < DOCUMENT_BYTES + 200
    assert doc.startswith(b'{"decision":')


def test_measure_reports_sign_and_verify_against_bare_ecdsa(tmp_path: Path) -> None:
    report = measure(tmp_path, per_round=3, rounds=2, warmup=1)
    assert [row[0] for row in report.rows] == [
        "sign (service)", "sign (CMS only)", "verify (service)", "verify (CMS only)",
    ]  # fmt: skip
    for _, size, ours, baseline, ratio in report.rows:
        assert size == len(document())
        assert isinstance(ours, float)
        assert ours > 0
        assert isinstance(baseline, float)
        assert baseline > 0
        assert ratio == ours / baseline
