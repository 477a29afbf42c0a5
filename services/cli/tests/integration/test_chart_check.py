"""`make chart-check` end to end with the real helm (installed by `make helm`): it passes on the
chart as committed and fails on deliberately broken values; the wait-for-schema init container's
script on a real SQLite database."""

from __future__ import annotations

import runpy
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from smartcommune.cli import chartcheck as cc
from smartcommune.cli.stack.config import repo_root
from smartcommune.kit.migrations import upgrade_to_head

pytestmark = pytest.mark.integration
ROOT = repo_root()
CHART = ROOT / cc.CHART
LATEST = cc.kube_versions()[-1:]


def _problems(tmp_path: Path, override: str) -> list[str]:
    values = tmp_path / "override.yaml"
    values.write_text(override)
    return cc.run_checks(ROOT, [values], versions=LATEST, production_example=False)


def test_the_committed_chart_passes_every_check() -> None:
    assert cc.run_checks(ROOT) == []


def test_a_wrong_type_is_rejected_by_the_values_schema(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "services:\n  dossiers:\n    httpPort: eighty\n")
    assert any("helm template failed" in p and "httpPort" in p for p in problems), problems


def test_an_unknown_key_is_rejected_by_the_values_schema(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "services:\n  dossiers:\n    replicaCount: 3\n")
    assert any("replicaCount" in p and "not allowed" in p for p in problems), problems


def test_a_writable_root_filesystem_fails_the_manifest_check(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "containerSecurityContext:\n  readOnlyRootFilesystem: false\n")
    assert any(
        "Deployment/sc-dossiers container api: readOnlyRootFilesystem" in p for p in problems
    )


def test_a_removed_probe_fails_the_manifest_check(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "probes:\n  readiness:\n    enabled: false\n")
    assert any("Deployment/sc-identity: no HTTP readiness probe" in p for p in problems), problems


def test_a_disabled_autoscaler_fails_the_manifest_check(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path, "services:\n  scoring:\n    api:\n      autoscaling:\n        enabled: false\n"
    )
    assert any("scoring: no HorizontalPodAutoscaler sc-scoring" in p for p in problems), problems


def test_every_object_validates_against_three_kubernetes_versions() -> None:
    helm = cc.helm_binary(ROOT)
    versions = cc.kube_versions()
    assert len(versions) == 3
    for version in versions:
        manifests = cc.render(helm, CHART, cc.Scenario("default values"), f"{version}.0")
        kinds = {m["kind"] for m in manifests}
        assert {"Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
                "Job", "CronJob"} <= kinds  # fmt: skip
        assert cc.validate_objects(manifests, version) == []


def test_a_wrong_field_fails_the_kubernetes_schema() -> None:
    helm = cc.helm_binary(ROOT)
    manifests = cc.render(helm, CHART, cc.Scenario("default values"), f"{LATEST[0]}.0")
    deployment = next(m for m in manifests if m["kind"] == "Deployment")
    deployment["spec"]["replicas"] = "two"
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbes"] = {}
    problems = cc.validate_objects([deployment], LATEST[0])
    assert len(problems) == 1
    assert "invalid for Kubernetes" in problems[0]


# ---------------------------------------------------------------------------- wait-for-schema
def _wait(url_env: str, *histories: str) -> Any:
    script = runpy.run_path(str(CHART / "files" / "wait_for_schema.py"))
    return script["main"]([f"--url-env={url_env}", "--timeout=0", "--interval=0.01",
                           *(f"--history={h}" for h in histories)])  # fmt: skip


def test_pods_wait_until_the_schema_is_at_the_head_of_their_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    history = "smartcommune.kit.migrations:kit_alembic_version"
    assert _wait("TEST_DATABASE_URL", history) == 1  # nothing migrated yet
    upgrade_to_head(url)
    assert _wait("TEST_DATABASE_URL", history) == 0
    with sqlite3.connect(tmp_path / "service.db") as db:  # an older revision: wait again
        db.execute("UPDATE kit_alembic_version SET version_num = 'kit_0001'")
    assert _wait("TEST_DATABASE_URL", history) == 1


def test_a_missing_database_variable_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    assert _wait("NOT_SET_ANYWHERE", "smartcommune.kit.migrations:kit_alembic_version") == 2


# ---------------------------------------------------------------------------- image contents
def _modules(values: dict[str, Any], kind: str, name: str) -> list[str]:
    """The modules the chart runs with `python -m` in that package's image."""
    if kind == "job":
        entry = values["jobs"][name]
        commands = [entry.get("command", [])]
    else:
        svc = values["services"][name]
        commands = [svc["migrations"]["command"], svc["api"]["command"], svc["relay"]["command"]]
        commands += [svc["consumer"]["command"]] if svc["consumer"]["enabled"] else []
    return [c[2] for c in commands if c[:2] == ["python", "-m"]]


@pytest.mark.parametrize(
    "package",
    [p for p in cc.packages(ROOT)[0] if p.kind != "library"],
    ids=lambda p: p.name,
)
def test_the_image_build_stage_installs_what_the_chart_runs(
    package: cc.Package, tmp_path: Path
) -> None:
    """The Dockerfiles' `uv sync --frozen --no-dev --no-editable --package …`, run here into a
    fresh environment (no Docker engine needed): every module the chart starts imports, so a
    dependency missing from the package's own pyproject shows before an image is built."""
    import os
    import subprocess

    venv = tmp_path / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    uv = ROOT / ".tools" / "bin" / "uv"
    sync = [str(uv), "sync", "-q", "--frozen", "--no-dev", "--no-editable",
            "--package", package.distribution]  # fmt: skip
    subprocess.run(sync, cwd=ROOT, env=env, check=True, timeout=600)
    values = cc._default_values(CHART)
    modules = _modules(values, package.kind, package.name)
    if package.name == "cli":
        modules = ["smartcommune.cli.main"]  # the `smartcommune` command of the hook Jobs
    assert modules
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code, *modules],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
