"""A service's processes, run and stopped like the servers (PID + kernel start time, logs and
PIDs under `<run_dir>/services/<service>/`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
import threading
from pathlib import Path

import httpx

from .base import (
    Health,
    LocalServer,
    Progress,
    ServerError,
    _quiet,
    file_lock,
    process_start_time,
)
from .config import StackConfig
from .services import ProcessSpec, ServiceRuntime, ServiceSpec

#: Consumers and relays have no port to probe: they count as started once they stayed up this long.
SETTLE_SECONDS = 2.0


class ServiceProcess(LocalServer):
    """One process of one service, with the same PID/start-time discipline as the servers."""

    start_timeout = 90.0

    def __init__(self, runtime: ServiceRuntime, spec: ServiceSpec, process: ProcessSpec) -> None:
        config = StackConfig(run_dir=runtime.run_dir, cache_dir=runtime.run_dir, host=runtime.host)
        super().__init__(config)
        self.runtime = runtime
        self.spec = spec
        self.process = process
        self.name = f"{spec.name}-{process.role}"

    @property
    def home(self) -> Path:
        return self.runtime.home(self.spec)

    @property
    def log_path(self) -> Path:
        return self.home / f"{self.process.role}.log"

    @property
    def pid_path(self) -> Path:
        return self.home / f"{self.process.role}.pid"

    def fetch(self, progress: Progress = _quiet) -> None:
        return None

    def start(self, progress: Progress = _quiet, timeout: float | None = None) -> bool:
        """As the servers' `start`, with a lock per process (a service's processes start side
        by side)."""
        with file_lock(self.home / f"{self.process.role}.start.lock"):
            return self._start_locked(progress, timeout)

    def prepare(self, progress: Progress = _quiet) -> None:
        """Refuse a port someone else listens on: the health probe would ask *their* server."""
        if not self.process.serves_http:
            return
        ports = [("PORT", self.runtime.port(self.spec))]
        if (grpc := self.runtime.grpc_port(self.spec)) is not None:
            ports.append(("GRPC_PORT", grpc))
        for name, port in ports:
            if not port_free(self.runtime.host, port):
                raise ServerError(
                    f"{self.spec.name}: {self.runtime.host}:{port} is in use by another process; "
                    f"choose another with {self.spec.prefix}{name}"
                )

    def command(self) -> list[str]:
        return [sys.executable, "-m", self.process.module]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.runtime.service_env(self.spec, self.runtime.secrets(self.spec)))
        return env

    def check(self) -> Health:
        if self.process.serves_http:
            return http_ready(f"{self.runtime.url(self.spec)}/readyz")
        pid = self.running_pid()
        if pid is None:
            return Health(False, "not running")
        age = process_age(pid)
        if age is not None and age < SETTLE_SECONDS:
            return Health(False, f"up for {age:.1f}s")
        return Health(True, f"running (pid {pid})")

    @property
    def address(self) -> str:
        if self.process.serves_http:
            grpc = self.runtime.grpc_address(self.spec)
            return self.runtime.url(self.spec) + (f" + gRPC {grpc}" if grpc else "")
        if self.process.role == "relay":
            return f"→ {self.runtime.topic(self.spec.name)}"
        return "← " + ", ".join(self.spec.consumes)

    def connection_env(self) -> dict[str, str]:
        if not self.process.serves_http:
            return {}
        return {f"{self.spec.prefix}URL": self.runtime.url(self.spec)}


def port_free(host: str, port: int) -> bool:
    """Nobody listens on `port` (a socket in TIME_WAIT after our own stop does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def http_ready(url: str, timeout: float = 3.0) -> Health:
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        return Health(False, f"{url}: {type(exc).__name__}")
    if response.status_code != 200:
        return Health(False, f"/readyz: HTTP {response.status_code}")
    return Health(True, "/readyz: ready")


def process_age(pid: int) -> float | None:
    """Seconds since `pid` started, from the kernel's clock (None if it is gone)."""
    started = process_start_time(pid)
    if started is None:
        return None
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - started / os.sysconf("SC_CLK_TCK")


def service_processes(runtime: ServiceRuntime, spec: ServiceSpec) -> list[ServiceProcess]:
    """The service's processes in start order (API first: it migrates and is probed)."""
    return [
        ServiceProcess(runtime, spec, process)
        for process in spec.processes
        if _importable(process.module)
    ]


def missing_processes(spec: ServiceSpec) -> list[str]:
    """Roles the table lists but the installed service does not provide (yet)."""
    return [p.role for p in spec.processes if not _importable(p.module)]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def start_service(
    runtime: ServiceRuntime, spec: ServiceSpec, progress: Progress = _quiet, timeout: float = 90.0
) -> list[tuple[ServiceProcess, bool]]:
    """Start a service's processes (idempotent): each with whether this call started it.

    The API first (it migrates the database and is probed on `/readyz`), then the relay and
    the consumers side by side. If any fails, the ones this call started are stopped again.
    """
    runtime.home(spec).mkdir(parents=True, exist_ok=True)
    api, *others = service_processes(runtime, spec)
    started = [(api, api.start(progress, timeout=timeout))]
    results: dict[str, bool | BaseException] = {}

    def one(proc: ServiceProcess) -> None:
        try:
            results[proc.name] = proc.start(progress, timeout=timeout)
        except BaseException as exc:  # reported below, in this thread
            results[proc.name] = exc

    threads = [threading.Thread(target=one, args=(p,), daemon=True) for p in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    started += [(p, r) for p in others if isinstance(r := results[p.name], bool)]
    failures = [r for r in results.values() if isinstance(r, BaseException)]
    if failures:
        for proc, fresh in reversed(started):
            if fresh:
                proc.stop(timeout=10)
        raise failures[0]
    return started


def stop_service(runtime: ServiceRuntime, spec: ServiceSpec) -> list[tuple[str, bool]]:
    """Stop the service's processes, consumers and relay before the API (reverse order)."""
    procs = [ServiceProcess(runtime, spec, process) for process in spec.processes]
    return [(proc.name, proc.stop(timeout=15)) for proc in reversed(procs)]


def wipe_service_data(runtime: ServiceRuntime, spec: ServiceSpec) -> None:
    """Forget a stopped service's data (database, generated secrets, logs): a fresh start."""
    if any(ServiceProcess(runtime, spec, p).running_pid() for p in spec.processes):
        raise ServerError(f"{spec.name}: still running; stop it before wiping its data")
    shutil.rmtree(runtime.home(spec), ignore_errors=True)
