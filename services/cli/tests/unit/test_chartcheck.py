"""`make chart-check`'s static parts: Dockerfile rules, the services ↔ chart ↔ Dockerfile
inventory, the documented values and the manifest rules on hand-made objects."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from smartcommune.cli import chartcheck as cc
from smartcommune.cli.stack.config import repo_root

ROOT = repo_root()
CHART = ROOT / cc.CHART

GOOD_DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM python:3.11.14-slim-bookworm AS build
RUN pip install uv==0.13.9
COPY pyproject.toml uv.lock ./
COPY services/ services/
RUN uv sync --frozen --no-dev --no-editable \\
      --package smartcommune-dossiers

FROM python:3.11.14-slim-bookworm AS runtime
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
CMD ["python", "-m", "smartcommune.dossiers.entrypoints.serve"]
"""


def _dockerfile_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    return cc.check_dockerfile(path, "smartcommune-dossiers")


def test_a_multi_stage_pinned_non_root_dockerfile_passes(tmp_path: Path) -> None:
    assert _dockerfile_problems(tmp_path, GOOD_DOCKERFILE) == []


def test_a_digest_pins_a_base_image_too(tmp_path: Path) -> None:
    text = GOOD_DOCKERFILE.replace(
        "python:3.11.14-slim-bookworm AS runtime", "python@sha256:" + "ab" * 32 + " AS runtime"
    )
    assert _dockerfile_problems(tmp_path, text) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("python:3.11.14-slim-bookworm AS build", "python:3.11-slim AS build"), "not pinned"),
        (("python:3.11.14-slim-bookworm AS runtime", "python:latest AS runtime"), "not pinned"),
        (("USER 10001:10001\n", ""), "sets no USER"),
        (("USER 10001:10001", "USER root"), "runs as root"),
        (("USER 10001:10001", "USER 0:0"), "runs as root"),
        (("--package smartcommune-dossiers", "--all-packages"), "--package smartcommune-dossiers"),
        (("--frozen ", ""), "lockfile"),
        (("COPY --from=build /opt/venv /opt/venv", "COPY . /app"), "whole context"),
    ],
)
def test_a_dockerfile_breaking_a_rule_is_named(
    tmp_path: Path, change: tuple[str, str], complaint: str
) -> None:
    problems = _dockerfile_problems(tmp_path, GOOD_DOCKERFILE.replace(*change))
    assert any(complaint in p for p in problems), problems


def test_a_single_stage_dockerfile_is_refused(tmp_path: Path) -> None:
    text = (
        "FROM python:3.11.14-slim-bookworm\n"
        "RUN uv sync --frozen --package smartcommune-dossiers\nUSER 10001\n"
    )
    assert any("multi-stage" in p for p in _dockerfile_problems(tmp_path, text))


def test_every_deployable_package_has_its_chart_entry_and_a_lint_clean_dockerfile() -> None:
    assert cc.check_inventory(ROOT, cc._default_values(CHART)) == []


def _fake_repo(tmp_path: Path, packages: dict[str, str | None]) -> Path:
    for name, kind in packages.items():
        folder = tmp_path / "services" / name
        folder.mkdir(parents=True)
        table = f'\n[tool.smartcommune]\nkind = "{kind}"\n' if kind else ""
        (folder / "pyproject.toml").write_text(f'[project]\nname = "smartcommune-{name}"\n{table}')
        if kind in ("service", "job"):
            (folder / "Dockerfile").write_text(GOOD_DOCKERFILE.replace("dossiers", name))
    (tmp_path / ".dockerignore").write_text(".venv\n")
    return tmp_path


def test_a_service_without_chart_entry_and_an_entry_without_service_are_both_found(
    tmp_path: Path,
) -> None:
    root = _fake_repo(tmp_path, {"kit": "library", "dossiers": "service", "audit": "job"})
    values: dict[str, Any] = {"services": {"identity": {}}, "jobs": {"audit": {}}}
    problems = cc.check_inventory(root, values)
    assert any(
        "services/dossiers is a service but the chart has no services.dossiers" in p
        for p in problems
    )
    assert any("services.identity has no services/identity package" in p for p in problems)
    assert len(problems) == 2, problems


def test_a_package_must_say_what_it_is(tmp_path: Path) -> None:
    root = _fake_repo(tmp_path, {"newthing": None})
    problems = cc.check_inventory(root, {"services": {}, "jobs": {}})
    assert any("[tool.smartcommune] kind" in p for p in problems)


def test_a_deployable_package_without_dockerfile_is_found(tmp_path: Path) -> None:
    root = _fake_repo(tmp_path, {"dossiers": "service"})
    (root / "services" / "dossiers" / "Dockerfile").unlink()
    problems = cc.check_inventory(root, {"services": {"dossiers": {}}, "jobs": {}})
    assert problems == ["services/dossiers is a service but has no Dockerfile"]


# ---------------------------------------------------------------------------- values docs
def test_every_values_key_is_documented_and_the_readme_table_is_current() -> None:
    assert cc.check_readme(CHART) == []


def test_an_undocumented_key_is_reported_with_its_line() -> None:
    text = "# -- documented\na: 1\nb:\n  # -- inner\n  c: [x]\n"
    params, problems = cc.parameters(text)
    assert problems == ["values.yaml:3: `b` has no `# --` comment"]
    assert [(p.key, p.default) for p in params] == [("a", "1"), ("b", ""), ("b.c", '["x"]')]


def test_free_form_maps_are_documented_as_a_whole() -> None:
    text = "# -- labels\npodSelector:\n  matchLabels:\n    app: x\n"
    params, problems = cc.parameters(text)
    assert problems == []
    assert params[0].default == '{"matchLabels": {"app": "x"}}'


# ---------------------------------------------------------------------------- manifest rules
def _pod(container: dict[str, Any]) -> dict[str, Any]:
    return {
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {}}],
    }


SECURE: dict[str, Any] = {
    "name": "api",
    "securityContext": {
        "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    },
    "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108 (a pod's path)
    "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "1"}},
}  # fmt: skip


def test_a_hardened_pod_passes_and_each_weakening_is_named() -> None:
    assert cc.check_pod_security("p", _pod(copy.deepcopy(SECURE))) == []
    weakened = copy.deepcopy(SECURE)
    weakened["securityContext"]["readOnlyRootFilesystem"] = False
    weakened["securityContext"]["capabilities"] = {"drop": ["NET_RAW"]}
    weakened["env"] = [
        {"name": "SMARTCOMMUNE_DOSSIERS_DATABASE_URL", "value": "postgresql://u:p@h/d"}
    ]
    weakened["volumeMounts"] = []
    problems = cc.check_pod_security("p", _pod(weakened))
    assert any("readOnlyRootFilesystem" in p for p in problems)
    assert any("drop ALL" in p for p in problems)
    assert any("secretKeyRef" in p for p in problems)
    assert any("is not an emptyDir" in p for p in problems)


def test_grpc_services_need_a_grpc_liveness_probe_and_http_readiness() -> None:
    http = {"httpGet": {"path": "/healthz", "port": "http"}}
    container = {
        "startupProbe": http,
        "livenessProbe": http,
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}},
    }
    assert cc.check_probes("d", container, 0) == []
    assert cc.check_probes("d", container, 50052) == ["d: no gRPC liveness probe on port 50052"]
    assert (
        cc.check_probes("d", {**container, "livenessProbe": {"grpc": {"port": 50052}}}, 50052) == []
    )
    assert cc.check_probes("d", {}, 0) == [
        "d: no HTTP readiness probe on /readyz",
        "d: no HTTP startup probe on /healthz",
        "d: no HTTP liveness probe on /healthz",
    ]
