"""The CA package loads its service parts (gRPC, FastAPI, Alembic, the store) only when asked:
the audit replay imports `ca.cms`, `ca.chains` and `ca.events` and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import smartcommune.identity.ca as ca

HEAVY = ("grpc", "fastapi", "alembic", "sqlalchemy", "smartcommune.kit.store")


def loaded_after(statement: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after `statement`."""
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    modules = json.loads(run.stdout)
    return [m for m in HEAVY if m in modules]


def test_verifying_modules_do_not_load_the_service() -> None:
    statement = "from smartcommune.identity.ca import chains, cms, der, events"
    assert loaded_after(statement) == []


def test_a_re_exported_name_still_loads_its_module() -> None:
    assert "fastapi" in loaded_after("from smartcommune.identity.ca import ca_router")


def test_every_re_export_resolves() -> None:
    for name in ca.__all__:
        assert getattr(ca, name) is not None, name
    assert set(ca.__all__) <= set(dir(ca))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = ca.nothing  # type: ignore[attr-defined]
