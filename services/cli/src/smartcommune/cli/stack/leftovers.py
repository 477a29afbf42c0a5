"""Guard for `make test`: nothing the test run started may outlive it.

`--snapshot` records which servers of this run folder were already running (a developer's own
`stack up`, reused by the tests); the check then fails only for servers that were *not*
running before, so a developer's stack is never counted against the run.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import SERVER_NAMES, StackConfig, make_server
from .service_process import ServiceProcess
from .services import SERVICES, ServiceRuntime


def running_servers(config: StackConfig) -> list[str]:
    """Servers, and service processes, this run folder started and that still run."""
    names = [name for name in SERVER_NAMES if make_server(name, config).running_pid() is not None]
    runtime = ServiceRuntime(run_dir=config.run_dir, servers_env={}, host=config.host)
    for spec in SERVICES:
        for process in spec.processes:
            if ServiceProcess(runtime, spec, process).running_pid() is not None:
                names.append(f"{spec.name}-{process.role}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--snapshot", action="store_true", help="record what runs now")
    args = parser.parse_args(argv)
    config = StackConfig.from_env()
    snapshot = config.run_dir / "servers-before-test.json"
    now = running_servers(config)
    if args.snapshot:
        config.run_dir.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(json.dumps(now))
        return 0
    before = set(json.loads(snapshot.read_text())) if snapshot.exists() else set()
    leftovers = sorted(set(now) - before)
    if leftovers:
        print(f"left running by the test run: {', '.join(leftovers)}", file=sys.stderr)
        return 1
    print("no server left behind by the test run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
