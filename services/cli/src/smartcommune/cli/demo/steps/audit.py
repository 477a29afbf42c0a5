"""The auditor's replay: `smartcommune audit replay --commune 08920`, exactly as an auditor runs
it, against the topics alone, with the provincial root and CRL fetched from identity's public
CA endpoints (an auditor obtains them out of band; here the demo does it for them)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..api import DemoError


@dataclass
class Replay:
    command: list[str] = field(default_factory=list)
    exit_code: int = -1
    report: dict[str, Any] = field(default_factory=dict)
    html: Path | None = None
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        decisions = self.report.get("decisions", [])
        return self.exit_code == 0 and bool(decisions) and all(d["verified"] for d in decisions)


def fetch_trust(identity_url: str, workdir: Path) -> tuple[Path, Path]:
    """The self-signed root of identity's CA chain, and its current CRL."""
    workdir.mkdir(parents=True, exist_ok=True)
    chain = httpx.get(f"{identity_url}/ca/chain", params={"format": "pem"}, timeout=30)
    chain.raise_for_status()
    roots = [c for c in x509.load_pem_x509_certificates(chain.content) if c.issuer == c.subject]
    if not roots:
        raise DemoError("identity's /ca/chain holds no self-signed root")
    root = workdir / "ca-root.pem"
    root.write_bytes(roots[0].public_bytes(Encoding.PEM))
    crl = httpx.get(f"{identity_url}/ca/crl", timeout=30)
    crl.raise_for_status()
    crl_path = workdir / "ca.crl"
    crl_path.write_bytes(crl.content)
    return root, crl_path


def command(commune_code: str, bootstrap: str, topic_prefix: str, workdir: Path) -> list[str]:
    args = ["audit", "replay", "--commune", commune_code, "--bootstrap", bootstrap]
    if topic_prefix:
        args += ["--topic-prefix", topic_prefix]
    return [
        *args, "--ca-root", str(workdir / "ca-root.pem"), "--crl", str(workdir / "ca.crl"),
        "--report", str(workdir / "audit-report.html"), "--json", str(workdir / "audit.json"),
        "--quiet",
    ]  # fmt: skip


def replay(
    identity_url: str, commune_code: str, bootstrap: str, topic_prefix: str, workdir: Path
) -> Replay:
    fetch_trust(identity_url, workdir)
    args = command(commune_code, bootstrap, topic_prefix, workdir)
    result = Replay(command=["smartcommune", *args])
    began = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "smartcommune.cli.main", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    result.seconds = time.monotonic() - began
    result.exit_code = run.returncode
    report = workdir / "audit.json"
    if not report.exists():
        raise DemoError(
            f"audit replay wrote no report (exit {run.returncode}): {run.stderr[-800:]}"
        )
    result.report = json.loads(report.read_text())
    result.html = workdir / "audit-report.html"
    return result
