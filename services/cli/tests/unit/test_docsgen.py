"""The published API documents are checked against the code, file by file."""

from __future__ import annotations

from pathlib import Path

from smartcommune.cli.docsgen import render, stale


def test_stale_names_missing_changed_and_orphaned_documents(tmp_path: Path) -> None:
    (tmp_path / "dossiers.openapi.json").write_text(render({"openapi": "3.1.0", "paths": {}}))
    (tmp_path / "old.asyncapi.json").write_text("{}\n")
    generated = {
        Path("dossiers.openapi.json"): render({"openapi": "3.1.0", "paths": {"/x": {}}}),
        Path("dossiers.asyncapi.json"): render({"asyncapi": "3.0.0"}),
    }

    problems = stale(tmp_path, generated)

    assert sorted(problems) == [
        "dossiers.asyncapi.json is missing",
        "dossiers.openapi.json is out of date",
        "old.asyncapi.json is no longer generated",
    ]


def test_up_to_date_documents_pass(tmp_path: Path) -> None:
    generated = {Path("a.openapi.json"): render({"b": 1, "a": "ở"})}
    (tmp_path / "a.openapi.json").write_text(generated[Path("a.openapi.json")])
    assert stale(tmp_path, generated) == []
    assert render({"b": 1, "a": "ở"}).index('"a"') < render({"b": 1, "a": "ở"}).index('"b"')
