"""Cold and warm start of each local server.

Cold = a brand-new run folder (formatting Kafka's storage, initdb, Keycloak's realm import),
artefacts already in the cache; warm = the same run folder started again. Ports are shifted by
+100 so a developer's running stack is not disturbed.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from ..stack import SERVER_NAMES, StackConfig, make_server
from .report import Report


def run() -> Report:
    report = Report(
        "Stack start times",
        ["server", "cold start (s)", "warm start (s)", "stop (s)"],
    )
    base = StackConfig.from_env()
    with tempfile.TemporaryDirectory(prefix="sc-bench-") as tmp:
        config = dataclasses.replace(
            base,
            run_dir=Path(tmp),
            kafka_port=base.kafka_port + 100,
            kafka_controller_port=base.kafka_controller_port + 100,
            keycloak_port=base.keycloak_port + 100,
            keycloak_management_port=base.keycloak_management_port + 100,
            postgres_port=base.postgres_port + 100,
        )
        for name in SERVER_NAMES:
            server = make_server(name, config)
            server.fetch()
            timings = []
            for _ in range(2):
                started = time.perf_counter()
                server.start(timeout=600)
                timings.append(time.perf_counter() - started)
                started = time.perf_counter()
                server.stop()
                stop_time = time.perf_counter() - started
            report.add(name, timings[0], timings[1], stop_time)
    report.notes.append("cold: new run folder, artefacts cached; warm: same folder again")
    return report
