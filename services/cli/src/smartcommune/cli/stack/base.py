"""A local server run as a plain process, owned by the run folder.

Each server keeps, under `<run_dir>/<name>/`: `server.log`, `pid` (the PID and the kernel's
start time of that PID, so a recycled PID is never mistaken for ours) and its data. `stop()` only
ever signals a process whose PID *and* start time match what `start()` recorded.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import StackConfig

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@contextlib.contextmanager
def file_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """An exclusive flock, released by the kernel even if this process dies holding it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class ServerError(RuntimeError):
    """A server could not be fetched, started or reached; the message says where to look."""


@dataclass(frozen=True)
class Health:
    ok: bool
    detail: str


def process_start_time(pid: int) -> int | None:
    """Start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[19])


class LocalServer(ABC):
    """Template for Kafka, Keycloak and PostgreSQL run from local artefacts."""

    name: str
    #: how long `wait_healthy` waits by default on a cold start
    start_timeout: float = 120.0
    #: the signal that asks the server for a clean, prompt shutdown
    stop_signal: signal.Signals = signal.SIGTERM

    def __init__(self, config: StackConfig) -> None:
        self.config = config

    # ------------------------------------------------------------------ layout
    @property
    def home(self) -> Path:
        return self.config.server_dir(self.name)

    @property
    def log_path(self) -> Path:
        return self.home / "server.log"

    @property
    def pid_path(self) -> Path:
        return self.home / "pid"

    # ------------------------------------------------------------------ to implement
    @abstractmethod
    def fetch(self, progress: Progress = _quiet) -> None:
        """Make the server's artefacts available in the cache (idempotent, may download)."""

    def prepare(self, progress: Progress = _quiet) -> None:  # noqa: B027 - optional hook
        """One-time initialisation of the data directory before the first start."""

    @abstractmethod
    def command(self) -> list[str]:
        """The argv that runs the server in the foreground."""

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    @abstractmethod
    def check(self) -> Health:
        """Real health: the server answers its own protocol (not merely an open port)."""

    @property
    @abstractmethod
    def address(self) -> str:
        """Where clients connect, for `status`."""

    @abstractmethod
    def connection_env(self) -> dict[str, str]:
        """Settings a service needs to use this server, as environment variables."""

    def after_start(self, progress: Progress = _quiet) -> None:  # noqa: B027 - optional hook
        """Work that needs the running server (create a database, read generated secrets)."""

    def preexec_user(self) -> tuple[int, int] | None:
        """(uid, gid) to drop to before exec, for servers that refuse to run as root."""
        return None

    # ------------------------------------------------------------------ process handling
    def running_pid(self) -> int | None:
        """PID of the process this run folder started, if it is still that process."""
        try:
            record = json.loads(self.pid_path.read_text())
        except (OSError, ValueError):
            return None
        pid = int(record["pid"])
        if process_start_time(pid) != record.get("start_time"):
            return None
        return pid

    def start(self, progress: Progress = _quiet, timeout: float | None = None) -> bool:
        """Start the server unless ours is already running; wait for real health.

        Returns True when this call started it, False when it was already up. Serialised per
        run folder: a test session and `stack up` starting the same server at once would both
        prepare its data and both launch, the loser overwriting the winner's PID file. The
        second caller waits, then finds the first one's server running.
        """

        def waiting() -> None:
            progress(f"{self.name}: another process is starting it; waiting")

        with file_lock(self.home / "start.lock", on_wait=waiting):
            return self._start_locked(progress, timeout)

    def _start_locked(self, progress: Progress, timeout: float | None) -> bool:
        if self.running_pid() is not None:
            if self.check().ok:
                return False
            progress(f"{self.name}: process is up, waiting for it to answer")
            self.wait_healthy(progress, timeout)
            return False
        self.home.mkdir(parents=True, exist_ok=True)
        self.fetch(progress)
        self.prepare(progress)
        progress(f"{self.name}: starting (log: {self.log_path})")
        log = self.log_path.open("ab")
        user = self.preexec_user()

        def demote() -> None:
            if user is not None:
                os.setgid(user[1])
                os.setgroups([])
                os.setuid(user[0])

        try:
            proc = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.environment(),
                cwd=self.home,
                start_new_session=True,  # its own process group: stop() signals the whole tree
                preexec_fn=demote if user is not None else None,
            )
        except OSError as exc:
            raise ServerError(f"{self.name}: could not run {self.command()[0]}: {exc}") from exc
        finally:
            log.close()
        self.pid_path.write_text(
            json.dumps({"pid": proc.pid, "start_time": process_start_time(proc.pid)})
        )
        try:
            self.wait_healthy(progress, timeout, proc)
            self.after_start(progress)
        except BaseException:
            self.stop()
            raise
        return True

    def wait_healthy(
        self,
        progress: Progress = _quiet,
        timeout: float | None = None,
        proc: subprocess.Popen[bytes] | None = None,
    ) -> None:
        deadline = time.monotonic() + (timeout or self.start_timeout)
        last = Health(False, "not checked yet")
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise ServerError(
                    f"{self.name} exited with status {proc.returncode} while starting; "
                    f"see {self.log_path}:\n{self.log_tail()}"
                )
            last = self.check()
            if last.ok:
                progress(f"{self.name}: healthy at {self.address}")
                return
            time.sleep(0.5)
        raise ServerError(
            f"{self.name} did not become healthy within {timeout or self.start_timeout:.0f}s "
            f"({last.detail}); see {self.log_path}:\n{self.log_tail()}"
        )

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop the process we started (and its group). Returns True when something stopped."""
        pid = self.running_pid()
        if pid is None:
            self.pid_path.unlink(missing_ok=True)
            return False
        self._signal(pid, self.stop_signal)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.running_pid() is None or _is_zombie(pid):
                break
            time.sleep(0.2)
        else:
            self._signal(pid, signal.SIGKILL)
            time.sleep(0.5)
        self.pid_path.unlink(missing_ok=True)
        return True

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log yet)"
        return "\n".join(text[-lines:])

    def status(self) -> tuple[str, Health]:
        pid = self.running_pid()
        if pid is None:
            return "stopped", Health(False, "not started by this run folder")
        health = self.check()
        return ("running" if health.ok else "starting/unhealthy"), health


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2 :].startswith("Z")
